/*
 * Why this file exists: the story form's chip pickers (countries, authors, tags) are comboboxes
 * (WAI-ARIA combobox with a listbox of suggestions). htmx fetches the suggestions and swaps the
 * chips, but HTML has no keyboard model for a combobox, and Enter in a text box would save the
 * story. So, in a picker's text box only:
 *   ArrowDown / ArrowUp  move through the suggestions (aria-activedescendant; focus stays in the box),
 *                        and ArrowDown asks for suggestions when none are shown;
 *   Enter                chooses the active suggestion (or the first, when text was typed),
 *                        never submitting the form;
 *   Escape               closes the suggestions;
 *   Backspace            in an empty box removes the last chip.
 * Choosing swaps the whole picker for the server's new one; what the editor types before it
 * arrives is carried into the new text box, so fast typing after Enter is never lost.
 * It also keeps aria-expanded true while suggestions are shown. Without JavaScript the pickers
 * are the plain multi-selects and tag field the server renders first.
 */
(function () {
  "use strict";
  var BOX = "[data-picker] input[role='combobox']";
  // Per picker text box (by id): the box a choice was made in, and what was typed in it since.
  var carried = {};

  function listOf(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  }
  function choices(list) {
    return Array.prototype.slice.call(
      list.querySelectorAll("[role='option']:not([aria-disabled='true'])")
    );
  }
  function activate(input, list, option) {
    choices(list).forEach(function (each) {
      each.setAttribute("aria-selected", each === option ? "true" : "false");
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }
  function sync(input) {
    var list = listOf(input);
    var open = !!list && list.children.length > 0;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open || !document.getElementById(input.getAttribute("aria-activedescendant") || "")) {
      input.removeAttribute("aria-activedescendant");
    }
  }
  function close(input) {
    var list = listOf(input);
    if (list) list.replaceChildren();
    sync(input);
  }

  document.addEventListener("keydown", function (evt) {
    var input = evt.target;
    if (!input.matches || !input.matches(BOX)) return;
    var list = listOf(input);
    var all = choices(list);
    var active = document.getElementById(input.getAttribute("aria-activedescendant") || "");
    var at = all.indexOf(active);
    if (evt.key === "ArrowDown" || evt.key === "ArrowUp") {
      evt.preventDefault();
      if (!all.length) {
        if (evt.key === "ArrowDown") input.dispatchEvent(new Event("suggest"));
        return;
      }
      var next = evt.key === "ArrowDown" ? (at + 1) % all.length : at <= 0 ? all.length - 1 : at - 1;
      activate(input, list, all[next]);
    } else if (evt.key === "Enter") {
      evt.preventDefault();
      var choice = active || (input.value.trim() ? all[0] : null);
      if (choice) {
        choice.click();
        input.value = "";
        carried[input.id] = { from: input, text: "" };
      }
    } else if (evt.key === "Escape") {
      if (list.children.length) {
        evt.preventDefault();
        close(input);
      }
    } else if (evt.key === "Backspace" && input.value === "") {
      var removes = input.closest("[data-picker]").querySelectorAll(".picker__remove");
      if (removes.length) {
        evt.preventDefault();
        removes[removes.length - 1].click();
      }
    }
  });

  // Suggestions close when focus leaves the picker (a click on one keeps it inside: tabindex=-1).
  document.addEventListener("focusout", function (evt) {
    var input = evt.target;
    if (!input.matches || !input.matches(BOX)) return;
    var picker = input.closest("[data-picker]");
    if (!evt.relatedTarget || !picker.contains(evt.relatedTarget)) close(input);
  });

  document.addEventListener("input", function (evt) {
    var entry = carried[evt.target.id];
    if (entry && entry.from === evt.target) entry.text = evt.target.value;
  });

  document.addEventListener("htmx:after:swap", function () {
    document.querySelectorAll(BOX).forEach(function (input) {
      var entry = carried[input.id];
      if (entry && entry.from !== input) {
        delete carried[input.id];
        if (entry.text && !input.value) {
          input.value = entry.text;
          input.setSelectionRange(entry.text.length, entry.text.length);
          input.dispatchEvent(new Event("input", { bubbles: true }));
        }
      }
      sync(input);
    });
  });
})();
