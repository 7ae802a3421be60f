"""Analytics for the newsroom: views over time for the site and for each story, the most read
stories, where readers came from, and the searches that found nothing."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, render_template
from flask_login import current_user

from blueprints.admin.common import bp, requires
from extensions import db
from newsroom import analytics, zones
from newsroom.models import Country, Role, Section, Story
from web import charts
from web.params import int_arg

CHANNEL_NAMES = {
    "direct": "Direct (no referrer, or a link in an app)",
    "search": "The site's own search",
    "internal": "Another page of this site",
    "feed": "Feeds (RSS and Atom readers)",
    "email": "Email briefings",
}


@bp.app_template_filter("thousands")
def thousands(number: int) -> str:
    return charts.thousands(number)


def _period() -> int:
    """The chosen period in days (7, 30 or 90); 400 for any other."""
    days = int_arg("days", analytics.DEFAULT_PERIOD, minimum=1, maximum=366)
    if days not in analytics.PERIODS:
        abort(400, description="Choose a period of 7, 30 or 90 days.")
    return days


def _chosen(model, name: str):
    """The section or country the filter form names, or None for all; 404 for one not there."""
    ident = int_arg(name)
    if ident is None:
        return None
    found = db.session.get(model, ident)
    if found is None:
        abort(404, description=f"There is no such {name} any more. Choose another.")
    return found


@bp.get("/analytics")
@requires(Role.EDITOR)
def analytics_site():
    """The site's readership: views per day, the most read stories today and this week (by
    section and country), where readers came from, and searches that found nothing."""
    days = _period()
    section = _chosen(Section, "section")
    country = _chosen(Country, "country")
    zone = zones.zone_of(current_user)
    per_day = analytics.site_views_by_day(days, zone)
    first, last = per_day[0][0], per_day[-1][0]
    chart = charts.bar_chart(
        charts.daily_points(per_day),
        ident="site-views",
        title=f"Views per day, last {days} days",
        description=(
            f"Story views per day from {charts.day_label(first)} to {charts.day_label(last)}, "
            f"days in {zones.zone_name(zone)}."
        ),
        heading="Day",
    )
    today, week = analytics.most_read_today_and_week(
        zone,
        section_id=section.id if section else None,
        country_id=country.id if country else None,
    )
    channels, sites = analytics.referrers(days)
    return render_template(
        "admin/analytics.html",
        days=days,
        periods=analytics.PERIODS,
        chart=chart,
        zone_name=zones.zone_name(zone),
        today=today,
        week=week,
        section=section,
        country=country,
        sections=Section.ordered(),
        countries=Country.all_by_name(),
        channels=[(CHANNEL_NAMES[name], views) for name, views in channels],
        sites=sites,
        misses=analytics.search_misses(days),
    )


@bp.get("/analytics/stories/<int:ident>")
@requires(Role.EDITOR)
def analytics_story(ident):
    """One story's readers: its first 48 hours by hour, then by day, and its total."""
    story = db.get_or_404(Story, ident)
    zone = zones.zone_of(current_user)
    history = analytics.story_history(story, zone)
    hourly = daily = None
    if history.hours:
        start = history.hours[0][0]
        hourly = charts.bar_chart(
            charts.hourly_points(history.hours, zone),
            ident="story-hours",
            title="Views per hour, first 48 hours",
            description=(
                f"Views of this story per hour for 48 hours from "
                f"{zones.clock(start, zone)} on {charts.day_label(start.astimezone(zone).date())}."
            ),
            heading=f"Hour ({zones.zone_name(zone, start)})",
        )
    if history.days:
        daily = charts.bar_chart(
            charts.daily_points(history.days),
            ident="story-days",
            title="Views per day after the first 48 hours",
            description=(
                f"Views of this story per day from {charts.day_label(history.days[0][0])} to "
                f"{charts.day_label(history.days[-1][0])}, days in {zones.zone_name(zone)}."
            ),
            heading="Day",
        )
    return render_template(
        "admin/analytics_story.html",
        story=story,
        history=history,
        hourly=hourly,
        daily=daily,
        second_phase=(
            history.went_live.replace(minute=0, second=0, microsecond=0)
            + timedelta(hours=analytics.FIRST_HOURS)
            if history.went_live
            else None
        ),
        story_days=analytics.STORY_DAYS,
    )
