"""The demo newsroom: authors, tags, breaking items and stories, written for this site.

People quoted here are invented for the demo; places, institutions and the kinds of events are real.
`[[story:KEY]]` in a body stands for another demo story and becomes `[[nid:N]]` when loaded;
`{lede_date}` becomes the day of publication in the dateline's zone, e.g. "Friday (Nov 27)".
"""

AUTHORS = [
    {
        "slug": "mei-lin-tan",
        "name": "Mei Lin Tan",
        "title": "Southeast Asia correspondent",
        "bio": "Mei Lin Tan covers politics and trade across Southeast Asia from Singapore. "
        "She previously reported from Jakarta and Manila.",
    },
    {
        "slug": "arjun-mehta",
        "name": "Arjun Mehta",
        "title": "South Asia editor",
        "bio": "Arjun Mehta runs our South Asia desk from New Delhi and writes about "
        "elections, energy and the region's fast-growing cities.",
    },
    {
        "slug": "hana-kobayashi",
        "name": "Hana Kobayashi",
        "title": "Tokyo bureau chief",
        "bio": "Hana Kobayashi reports on Japan's politics, companies and demographic change.",
    },
    {
        "slug": "joon-park",
        "name": "Joon Park",
        "title": "Korea correspondent",
        "bio": "Joon Park covers both Koreas from Seoul, with a focus on diplomacy and technology.",
    },
    {
        "slug": "leyla-aliyeva",
        "name": "Leyla Aliyeva",
        "title": "Central and West Asia correspondent",
        "bio": "Leyla Aliyeva reports on Central Asia and the Caucasus from Almaty and Baku.",
    },
    {
        "slug": "david-okafor",
        "name": "David Okafor",
        "title": "Technology and business writer",
        "bio": "David Okafor writes about chips, platforms and the money that moves them, "
        "from Hong Kong.",
    },
]

BREAKING = [
    {"text": "Magnitude 6.1 earthquake strikes off Japan's Miyagi coast; no tsunami warning issued", "minutes": 360},
    {"text": "Indonesia's central bank holds its benchmark rate at 5.75 percent", "minutes": 480, "story": "indonesia-rate-hold"},
    {"text": "Polls close in Sri Lanka's provincial elections; counting under way", "minutes": 600},
]  # fmt: skip

STORIES = [
    {
        "key": "seoul-talks",
        "headline": "Pyongyang rejects Tokyo's offer of talks as abductee issue stalls",
        "standfirst": "North Korea says it will not meet Japanese officials at any level, "
        "dimming hopes for the first summit between the two in two decades.",
        "kind": "news",
        "section": "politics",
        "countries": ["south-korea", "north-korea", "japan"],
        "dateline": "SEOUL",
        "tags": ["diplomacy", "korean-peninsula"],
        "authors": ["joon-park"],
        "hours_ago": 3,
        "featured": True,
        "image": "The demilitarised zone seen from an observation post near Paju",
        "source": ("asiaone.com", "https://www.asiaone.com/asia"),
        "body": """North Korea has turned down Japan's repeated calls for dialogue, its state news agency reported on {lede_date}, in a statement attributed to a senior foreign ministry official.

The statement said Pyongyang saw "no reason to sit at a table whose agenda has been written in Tokyo", and accused Japan of trying to use talks to revive the question of Japanese citizens abducted by North Korean agents in the 1970s and 1980s.

Japan's government has said for several years that it is prepared to meet North Korea's leadership without preconditions, and that resolving the fate of the abductees remains its highest priority in relations with Pyongyang.

"The door is not closed on our side, and it will not be," a spokesperson for Japan's foreign ministry, Kenji Arakawa, told reporters in Tokyo. "We will keep using every channel available to us."

North Korea acknowledged in 2002 that its agents had kidnapped 13 Japanese nationals. Five returned home that year; Pyongyang says the others died. Tokyo lists 17 people as abductees and says it has never received a credible account of what happened to them.

[[story:korea-japan-analysis]]

The statement also said a proposal from a Japanese diplomat in a third country for a working-level contact had been refused. "There will be no meeting of any kind," it said.

Analysts in Seoul said the message was aimed as much at Washington as at Tokyo. "Pyongyang wants to be dealt with as a nuclear power, not as a party to an old grievance," said Yoon Seo-yeon, a researcher at a Seoul foreign-policy institute. "Any talks that start from the abductions are, for them, the wrong talks."
""",
    },
    {
        "key": "korea-japan-analysis",
        "headline": "Why a Japan–North Korea summit keeps slipping out of reach",
        "standfirst": "Every Japanese leader since 2002 has promised to bring the abductees home. "
        "The obstacles have barely moved.",
        "kind": "analysis",
        "section": "politics",
        "countries": ["japan", "north-korea"],
        "dateline": "TOKYO",
        "tags": ["diplomacy", "korean-peninsula"],
        "authors": ["hana-kobayashi"],
        "hours_ago": 30,
        "body": """For two decades the fate of a few dozen Japanese citizens has set the limits of Japan's diplomacy with North Korea. Leaders in Tokyo have come and gone, each pledging a breakthrough; none has secured a second summit since Junichiro Koizumi's visit to Pyongyang in 2002.

## Two agendas that do not meet

Japan wants any meeting to address the abductions first. North Korea says the issue was settled when it returned five people and their families, and wants to talk about sanctions, compensation for Japan's colonial rule and recognition of its weapons programmes.

"Each side is offering talks on the subject the other side refuses to discuss," said Aiko Morimoto, who teaches international relations at a university in Kyoto. "That is not a negotiating gap. It is two separate conversations."

## Domestic politics

In Japan the abductee families remain a powerful moral voice, and no prime minister can be seen to trade their cause for a photo opportunity. In Pyongyang, leaders gain little from a deal with a US ally while relations with Washington are frozen.

## What could change

Diplomats point to two possibilities: a quiet humanitarian gesture, such as allowing family visits, or a wider thaw between North Korea and the United States that brings Tokyo along. Neither looks close.
""",
    },
    {
        "key": "indonesia-rate-hold",
        "headline": "Bank Indonesia holds rates steady as rupiah steadies",
        "standfirst": "The central bank kept its benchmark at 5.75 percent and signalled room "
        "to cut next year if inflation stays within target.",
        "kind": "news",
        "section": "business",
        "countries": ["indonesia"],
        "dateline": "JAKARTA",
        "tags": ["central-banks", "markets"],
        "authors": ["mei-lin-tan"],
        "hours_ago": 5,
        "featured": True,
        "image": "Traders watch screens in a Jakarta dealing room",
        "body": """Bank Indonesia left its benchmark interest rate unchanged at 5.75 percent on Thursday, saying the rupiah had regained its footing after a volatile quarter and that inflation was running comfortably inside its target band.

The decision was expected by most economists. The bank said it would keep buying government bonds in the secondary market to smooth swings in the currency.

"We see space to support growth next year, but stability comes first," the bank's deputy governor for monetary policy, Ratna Wijaya, told a news conference.

Annual inflation slowed to 2.4 percent in October. Growth has held near 5 percent, supported by household spending and the processing of nickel into battery materials.

Rizal Hakim, chief economist at a Jakarta securities house, said the bank was "buying time until the US rate path is clearer". He expects two quarter-point cuts in the first half of next year.
""",
    },
    {
        "key": "vietnam-chip-plant",
        "headline": "Vietnam wins a chip packaging plant as suppliers spread their bets",
        "standfirst": "A US-Korean joint venture will build a $1.2bn testing and packaging "
        "facility near Hanoi, the country's largest chip investment this year.",
        "kind": "news",
        "section": "technology",
        "countries": ["vietnam", "south-korea"],
        "dateline": "HANOI",
        "tags": ["semiconductors", "supply-chains"],
        "authors": ["david-okafor"],
        "hours_ago": 9,
        "image": "A clean-room technician inspects a silicon wafer",
        "body": """A joint venture between an American chip-equipment maker and a South Korean memory supplier will build a semiconductor testing and packaging plant in Bac Ninh province, north of Hanoi, officials said on Wednesday.

The $1.2 billion project is expected to employ about 3,000 people when it reaches full output in 2028.

"Five years ago the question was whether Vietnam could do this work. Now the question is how fast we can train the engineers," said Nguyen Thi Lan, a vice-chair of the provincial people's committee.

Companies across the electronics industry have been adding capacity outside China to reduce the risk of disruption from trade tensions. Vietnam already assembles a large share of the world's smartphones.

Power supply remains a concern. Northern Vietnam suffered rolling blackouts in 2023, and investors have pressed the government to speed up grid upgrades. The ministry of industry said new transmission lines would be finished before the plant opens.
""",
    },
    {
        "key": "india-heat-grid",
        "headline": "India's grid sets a record as cities run air conditioners past midnight",
        "standfirst": "Peak demand passed 250 gigawatts; coal plants carried the load after dark "
        "while solar covered the afternoon.",
        "kind": "news",
        "section": "business",
        "countries": ["india"],
        "dateline": "NEW DELHI",
        "tags": ["energy", "climate"],
        "authors": ["arjun-mehta"],
        "hours_ago": 14,
        "image": "Power lines against a hazy evening sky",
        "body": """Electricity demand in India climbed to a record on Tuesday night as a long heatwave kept temperatures in the north above 35C well after sunset.

Grid operators said peak demand passed 250 gigawatts shortly before 11pm, later than in previous years, because solar generation had already fallen away.

"The daytime problem is largely solved by solar. The night is the new peak," said Kavita Rao, an energy analyst at a New Delhi research group. "That is where storage has to come in."

The power ministry said no region had faced scheduled cuts, although several state utilities reported local outages caused by overloaded transformers.

The government has asked coal plants to run imported coal at higher rates until the monsoon arrives and has tendered for battery storage alongside new solar parks in Rajasthan and Gujarat.
""",
    },
    {
        "key": "philippines-typhoon",
        "headline": "Thousands move to shelters as typhoon nears northern Luzon",
        "standfirst": "Forecasters expect the storm to make landfall late on Saturday with "
        "winds of up to 165 km/h.",
        "kind": "news",
        "section": "politics",
        "countries": ["philippines"],
        "dateline": "MANILA",
        "tags": ["disasters", "climate"],
        "authors": ["mei-lin-tan"],
        "hours_ago": 2,
        "breaking": True,
        "body": """More than 40,000 people in the provinces of Cagayan and Isabela had moved to evacuation centres by Saturday morning as a strong typhoon approached the northern tip of Luzon, disaster officials said.

The state weather agency raised its second-highest wind signal for coastal towns and warned of storm surges of up to three metres.

"We are not waiting for the rain to start. Families near the rivers have to leave now," said Ramon dela Cruz, the civil defence chief for the Cagayan Valley region.

Schools were closed and ferry services suspended across the northern islands. The coast guard said 23 vessels had been ordered to stay in port.

The Philippines is struck by about 20 tropical storms a year. Officials said relief goods had been placed in advance in the towns expected to be cut off.
""",
    },
    {
        "key": "kazakh-rail",
        "headline": "Kazakhstan opens a new rail link to the Caspian as trade routes shift",
        "standfirst": "The line cuts days off shipments between China and Europe that avoid Russia.",
        "kind": "news",
        "section": "business",
        "countries": ["kazakhstan", "china", "azerbaijan"],
        "dateline": "ALMATY",
        "tags": ["trade", "infrastructure", "supply-chains"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 20,
        "image": "A freight train crosses the steppe at dusk",
        "body": """Kazakhstan opened a 300-kilometre railway line on Monday that links its eastern border with China more directly to the Caspian port of Aktau, part of a corridor that carries goods to Europe without crossing Russia.

The national railway company said the line would cut transit times on the so-called Middle Corridor by up to two days.

"Every day we take off the journey is a day customers do not spend looking for another route," said Yerlan Abenov, the railway's deputy head of logistics.

Cargo volumes on the corridor, which runs across the Caspian Sea to Azerbaijan and Georgia, have more than doubled since 2022. Bottlenecks at ports and ferry crossings remain, and shippers say costs are still well above those of the northern route through Russia.
""",
    },
    {
        "key": "uzbek-cotton",
        "headline": "Uzbekistan's cotton towns turn to textiles as forced labour ends",
        "standfirst": "A decade after a boycott, mills are hiring and brands are returning. "
        "Farmers say prices have not kept pace.",
        "kind": "photo",
        "section": "business",
        "countries": ["uzbekistan"],
        "dateline": "FERGANA",
        "tags": ["labour", "trade"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 52,
        "image": "Workers sort cotton bales at a mill near Fergana",
        "body": """In the Fergana valley, where cotton once dictated the rhythm of every school year, the harvest now belongs to hired pickers and machines.

International monitors declared in 2022 that Uzbekistan's cotton was no longer picked by systemic forced labour, and global clothing brands began to lift a boycott that had lasted more than a decade.

"My daughter used to miss two months of school every autumn. Now she studies, and I pick for wages," said Dilnoza Karimova, 41, who works on a private cluster farm outside Fergana city.

Spinning and sewing mills have multiplied, and the government wants most cotton to be turned into yarn and garments at home by the end of the decade. Farmers, however, complain that the clusters that buy their crop set prices with little competition.

"We are free to sell, but only to one buyer," said one grower, who asked not to be named.
""",
    },
    {
        "key": "japan-wages",
        "headline": "Japan's biggest union group seeks a third year of 5 percent pay rises",
        "standfirst": "Rengo says workers still trail inflation; employers warn small firms "
        "cannot keep up.",
        "kind": "news",
        "section": "business",
        "countries": ["japan"],
        "dateline": "TOKYO",
        "tags": ["labour", "central-banks"],
        "authors": ["hana-kobayashi"],
        "hours_ago": 40,
        "body": """Japan's largest labour federation said on Thursday it would ask employers for pay increases of at least 5 percent in next spring's wage talks, the third year running that it has set the bar that high.

Real wages have fallen in most months since 2022 as prices of food and energy rose faster than pay.

"Workers have been patient for thirty years. The question now is whether rises reach the companies that employ most of them," said Emiko Sato, a vice-president of the federation.

The Bank of Japan watches the spring talks closely as it weighs further increases in interest rates. Business lobbies said large manufacturers could meet the demand but smaller suppliers would need to pass on costs to their customers.
""",
    },
    {
        "key": "thai-cannabis",
        "headline": "Thailand tightens rules on cannabis shops two years after legalisation",
        "standfirst": "Sales will require a prescription; thousands of dispensaries face "
        "closure or conversion into clinics.",
        "kind": "news",
        "section": "politics",
        "countries": ["thailand"],
        "dateline": "BANGKOK",
        "tags": ["health", "regulation"],
        "authors": ["mei-lin-tan"],
        "hours_ago": 26,
        "body": """Thailand's health ministry published rules on Tuesday that limit cannabis sales to medical use with a prescription, reversing much of the freedom that followed the plant's removal from the narcotics list in 2022.

Shops will have until March to employ a licensed practitioner or stop selling flower to the public.

"We never intended Bangkok to become a place where tourists come to get high," deputy health minister Somchai Rattanakul said.

Owners of the roughly 7,000 licensed dispensaries said they had invested their savings after the government encouraged farmers and entrepreneurs to enter the trade. "We followed the law. Now the law walks away from us," said Pimchanok Srisai, who runs a shop on Sukhumvit Road.
""",
    },
    {
        "key": "singapore-ai-interview",
        "headline": "'Regulate the use, not the maths': Singapore's AI adviser on governing models",
        "standfirst": "A conversation with the computer scientist who helps shape the city-state's "
        "approach to artificial intelligence.",
        "kind": "interview",
        "section": "technology",
        "countries": ["singapore"],
        "dateline": "SINGAPORE",
        "tags": ["artificial-intelligence", "regulation"],
        "authors": ["david-okafor"],
        "hours_ago": 70,
        "body": """Dr Priya Raman leads a government advisory panel on artificial intelligence in Singapore and teaches at one of its universities. We spoke about testing, trust and small countries in a world of large models. The interview has been edited for length.

**Why has Singapore avoided a single AI law?**

"Because the risks sit in the uses. A model that writes a poem and a model that approves a loan may be the same maths; they should not carry the same duties. We put the obligations on the bank, the hospital, the employer."

**Is that enough when a few companies build the models everyone uses?**

"No, and we say so. That is why we invest in testing. If you cannot build the frontier model, you can still be very good at checking it. Small countries can be the referee."

**What do you test for?**

"Whether the system does what its maker claims, in our languages and our context. A model that is fluent in English and weak in Malay or Tamil is not a neutral tool here."

**What keeps you up at night?**

"Speed. The technology moves in months and institutions move in years. Our answer is to write guidance we can update quickly, and to keep talking to the builders."
""",
    },
    {
        "key": "indonesia-nickel-interview",
        "headline": "'We want the factories, not just the mines': an Indonesian mayor on nickel",
        "standfirst": "The mayor of a Sulawesi town at the centre of the battery boom talks "
        "about jobs, pollution and what happens when the ore runs out.",
        "kind": "interview",
        "section": "business",
        "countries": ["indonesia"],
        "dateline": "MOROWALI",
        "tags": ["electric-vehicles", "mining"],
        "authors": ["mei-lin-tan"],
        "hours_ago": 145,
        "image": "Smelter chimneys on the coast of Central Sulawesi",
        "body": """Rahmat Lasalewo has been mayor of a coastal town in Central Sulawesi for six years, a period in which nickel smelters have turned fishing villages into an industrial zone of 80,000 workers. The interview has been edited.

**What has nickel done for your town?**

"Ten years ago our young people left for Makassar or Jakarta. Now people come here from all over Indonesia. The market is full and the school has three shifts."

**And the cost?**

"The air. Coal plants power the smelters and you can see it on a windless day. We have asked the companies to move to cleaner power faster, and some are building solar."

**What happens after the ore?**

"That is the question I ask every investor. We want the factories that make batteries, not only the furnaces. Mines close; factories can stay."
""",
    },
    {
        "key": "pakistan-imf",
        "headline": "Pakistan reaches staff-level deal with IMF on next loan tranche",
        "standfirst": "The agreement unlocks about $1bn once the fund's board approves it, "
        "after Islamabad pledged new taxes on retailers.",
        "kind": "news",
        "section": "business",
        "countries": ["pakistan"],
        "dateline": "ISLAMABAD",
        "tags": ["markets", "debt"],
        "authors": ["arjun-mehta"],
        "hours_ago": 33,
        "body": """Pakistan and the International Monetary Fund reached a staff-level agreement on the latest review of a loan programme, clearing the way for a disbursement of about $1 billion, the finance ministry said on Saturday.

The government agreed to widen the tax net to include more retailers and to keep raising electricity tariffs to cover the cost of supply.

"These are not easy measures, but the alternative is the crisis we lived through two years ago," finance ministry spokesperson Ayesha Qureshi said.

Foreign exchange reserves have recovered to roughly three months of imports. Business groups warned that higher taxes on small traders could push more activity into the informal economy.
""",
    },
    {
        "key": "bangladesh-garments",
        "headline": "Bangladesh garment exporters look beyond Europe as orders slow",
        "standfirst": "Factories are courting buyers in Japan, Australia and the Gulf.",
        "kind": "news",
        "section": "business",
        "countries": ["bangladesh"],
        "dateline": "DHAKA",
        "tags": ["trade", "labour"],
        "authors": ["arjun-mehta"],
        "hours_ago": 60,
        "image": "Rows of sewing machines on a factory floor in Gazipur",
        "body": """Bangladesh's garment makers, who earn most of the country's export income, are chasing customers outside their traditional markets in Europe and North America after a slowdown in orders this year.

The industry's main trade association said shipments to "non-traditional" markets rose by about a fifth in the first nine months of the year.

"We cannot depend on two markets when both are buying less," said Farhana Akter, who runs a knitwear factory in Gazipur employing 2,400 people.

Wages were raised last year after weeks of protests, and factory owners say higher costs leave them less able to cut prices. Labour groups say the minimum wage still falls short of what a family needs in Dhaka.
""",
    },
    {
        "key": "nepal-everest",
        "headline": "Nepal requires climbers on Everest to carry tracking chips",
        "standfirst": "The rule aims to speed up rescues; guides say the mountain's real problem "
        "is crowding.",
        "kind": "news",
        "section": "culture",
        "countries": ["nepal"],
        "dateline": "KATHMANDU",
        "tags": ["mountains", "tourism"],
        "authors": ["arjun-mehta"],
        "hours_ago": 90,
        "image": "Tents at Everest base camp beneath the Khumbu icefall",
        "body": """Nepal will require every climber attempting Everest next spring to wear an electronic tracking chip, the tourism department said, in a bid to make searches for missing mountaineers faster.

The chips, sewn into jackets, cost about $15 and will be rented to climbers with their permits.

"When someone is lost above the South Col, every hour matters. The chip tells us where to look," said Bikram Thapa, a director at the department.

Veteran guides welcomed the idea but said the larger danger was the number of climbers on summit days. "We have queues at 8,000 metres. A chip does not fix a queue," said Pasang Sherpa, who has reached the summit 14 times.
""",
    },
    {
        "key": "sri-lanka-elections",
        "headline": "Sri Lankans vote in provincial polls seen as test for the government",
        "standfirst": "The first provincial elections in nearly a decade follow a debt "
        "restructuring that has steadied the economy.",
        "kind": "news",
        "section": "politics",
        "countries": ["sri-lanka"],
        "dateline": "COLOMBO",
        "tags": ["elections"],
        "authors": ["arjun-mehta"],
        "hours_ago": 4,
        "body": """Voters across Sri Lanka's nine provinces cast ballots on Saturday in councils elections delayed for years by legal disputes and the country's economic crisis.

The election commission put turnout at about 62 percent an hour before polls closed. Results are expected on Sunday.

"People want to be asked again. It has been too long," said Nimal Perera, a retired teacher voting in Kandy.

The ruling coalition hopes to show that its handling of the economy since the 2022 default has won support, while opposition parties have campaigned on the cost of living and taxes introduced under an IMF programme.
""",
    },
    {
        "key": "mongolia-winter",
        "headline": "Mongolian herders brace for a harsh winter after summer drought",
        "standfirst": "Aid groups warn of a 'dzud' that could kill millions of livestock.",
        "kind": "news",
        "section": "politics",
        "countries": ["mongolia"],
        "dateline": "ULAANBAATAR",
        "tags": ["climate", "disasters"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 110,
        "image": "Herders move cattle across frozen grassland",
        "body": """Mongolia's emergency agency said on Monday that more than half the country faced a high risk of dzud, the combination of summer drought and extreme winter cold that starves livestock.

Last winter about 7 million animals died, the worst losses in more than a decade.

"We did not have enough grass to cut hay this year. If the snow comes early, the animals will not last until spring," said Batbayar Dorj, who keeps 300 goats and sheep in Arkhangai province.

The government is distributing emergency fodder and asking herders to sell animals before the coldest months. Aid agencies have appealed for funds to provide cash to families who lose their herds.
""",
    },
    {
        "key": "taiwan-chips-water",
        "headline": "Taiwan's chipmakers recycle more water as reservoirs run low",
        "standfirst": "Fabs in the south now reuse most of the water they draw, "
        "but farmers still fear being first to lose supply.",
        "kind": "analysis",
        "section": "technology",
        "countries": ["taiwan"],
        "dateline": "TAINAN",
        "tags": ["semiconductors", "climate"],
        "authors": ["david-okafor"],
        "hours_ago": 100,
        "body": """Taiwan's most advanced chip factories use as much water as a mid-sized city. A dry autumn has again put that thirst at the centre of public debate.

## Less drawn, more reused

Chipmakers in the Southern Taiwan Science Park say they now recycle more than 85 percent of process water, and new plants are being built with their own reclaimed-water supply from municipal sewage works.

"The industry has gone from being the biggest problem to being one of the best users of water on the island," said Lin Chia-hui, a hydrologist at a university in Tainan.

## The fields come first in a shortage, backwards

During the 2021 drought the government halted irrigation on tens of thousands of hectares of rice paddies to keep factories running. Farmers were compensated but many resented it.

"When water is short, the farmer is always the first one asked to sacrifice," said Huang Ming-te, who grows rice near Chiayi.

## What comes next

New desalination plants and pipelines linking reservoirs are due over the next five years. Until then, a bad rainy season remains a risk for the world's supply of advanced chips.
""",
    },
    {
        "key": "china-ev-exports",
        "headline": "Chinese carmakers ship record numbers of electric cars to Southeast Asia",
        "standfirst": "Thailand and Indonesia are becoming both markets and factories for "
        "China's EV brands.",
        "kind": "news",
        "section": "business",
        "countries": ["china", "thailand", "indonesia"],
        "dateline": "SHANGHAI",
        "tags": ["electric-vehicles", "trade"],
        "authors": ["david-okafor"],
        "hours_ago": 16,
        "image": "New electric cars lined up for export at a Shanghai port",
        "body": """Exports of electric vehicles from China to Southeast Asia reached a record in October, industry data showed, as carmakers shift attention to markets with fewer trade barriers than Europe and North America.

Several Chinese brands have opened assembly plants in Thailand and Indonesia, where governments offer incentives for local production.

"Southeast Asia is where the growth is, and it is a place where our cars arrive without a 100 percent tariff," said Zhou Wei, an analyst at a Shanghai consultancy.

Japanese brands, which have dominated the region's roads for decades, still sell most cars in Thailand, but their share has fallen each year since 2022.
""",
    },
    {
        "key": "hong-kong-listings",
        "headline": "Hong Kong share sales rebound as mainland companies return",
        "standfirst": "The exchange is on course for its busiest year of listings since 2021.",
        "kind": "news",
        "section": "business",
        "countries": ["hong-kong", "china"],
        "dateline": "HONG KONG",
        "tags": ["markets"],
        "authors": ["david-okafor"],
        "hours_ago": 44,
        "body": """Initial public offerings in Hong Kong have raised more money this year than in the previous two combined, bankers said, as mainland Chinese companies return to the city's exchange after a long lull.

A battery maker and a food-delivery company accounted for a large share of the funds raised.

"The pipeline is the strongest I have seen in four years," said Grace Leung, head of equity capital markets at an investment bank in the city.

Turnover on the exchange has risen alongside a rally in Chinese technology shares. Some investors remain cautious about the outlook for China's property sector and consumer spending.
""",
    },
    {
        "key": "malaysia-data-centres",
        "headline": "Johor's data centre boom strains Malaysia's power and water",
        "standfirst": "The state has approved more capacity than Singapore hosts. Residents ask "
        "who pays for the grid.",
        "kind": "analysis",
        "section": "technology",
        "countries": ["malaysia", "singapore"],
        "dateline": "JOHOR BAHRU",
        "tags": ["artificial-intelligence", "energy", "infrastructure"],
        "authors": ["mei-lin-tan"],
        "hours_ago": 130,
        "image": "A data centre under construction outside Johor Bahru",
        "body": """Across the causeway from Singapore, the southern Malaysian state of Johor has become one of the fastest-growing data centre markets in the world.

## Why Johor

Land is cheaper than in Singapore, power is available and the city-state paused new data centre approvals for several years. Cloud and AI companies have signed deals worth tens of billions of dollars.

"Johor sells what Singapore no longer has: space and megawatts," said Tan Wei Ming, a property analyst in Kuala Lumpur.

## The cost

The state water utility has asked new data centres to use recycled water for cooling, and the national power company has raised tariffs for the largest users.

"We are happy to have the investment, but the jobs are few and the pipes are ours," said Siti Aminah, a councillor in Kulai district.
""",
    },
    {
        "key": "georgia-protests",
        "headline": "Protesters return to Tbilisi streets over media law",
        "standfirst": "Thousands rallied outside parliament for a third night.",
        "kind": "news",
        "section": "politics",
        "countries": ["georgia"],
        "dateline": "TBILISI",
        "tags": ["protests", "media-freedom"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 12,
        "body": """Thousands of people gathered outside Georgia's parliament in Tbilisi on Wednesday night, the third consecutive evening of protests against a law that would require media outlets with foreign funding to register as agents of outside interests.

Police used water cannon to clear the main avenue after midnight. The interior ministry said 14 people had been detained.

"We are here because our newspapers and our future are at stake," said Nino Beridze, a 22-year-old student who carried an EU flag.

The governing party says the law increases transparency. Opposition parties and rights groups say it copies legislation used to silence critics elsewhere.
""",
    },
    {
        "key": "turkey-inflation",
        "headline": "Turkish inflation slows for a sixth month",
        "standfirst": "Annual price growth eased to 33 percent, keeping a rate cut on the table "
        "for December.",
        "kind": "news",
        "section": "business",
        "countries": ["turkey"],
        "dateline": "ISTANBUL",
        "tags": ["central-banks", "markets"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 75,
        "body": """Consumer prices in Turkey rose 33 percent in the year to October, down from 35 percent a month earlier, the statistics office said, extending a slowdown from a peak of more than 75 percent last year.

Economists said the figure supported expectations that the central bank would lower its policy rate next month.

"Disinflation is on track, but rents and services are sticky," said Elif Yilmaz, an economist at an Istanbul brokerage.

Households say the slowdown has yet to show up in their budgets. "Prices are rising more slowly, but they are still rising every week," said Mehmet Kaya, a shopkeeper in Kadikoy.
""",
    },
    {
        "key": "saudi-film",
        "headline": "Saudi film festival closes with a record number of local premieres",
        "standfirst": "Young directors from the kingdom dominated the programme in Jeddah.",
        "kind": "news",
        "section": "culture",
        "countries": ["saudi-arabia"],
        "dateline": "JEDDAH",
        "tags": ["film"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 140,
        "image": "Audience members arrive at a festival screening in Jeddah",
        "body": """The Red Sea International Film Festival ended on Thursday with the top prize going to a debut feature about three sisters running a bakery in Riyadh.

The festival screened 28 Saudi films, the largest number in its history. Cinemas reopened in the kingdom only in 2018.

"Six years ago I made short films on my phone for my friends. Tonight my film played to 1,200 people," said director Reem Al-Harbi.

Critics noted that most Saudi entries avoided politics, focusing instead on family life and social change.
""",
    },
    {
        "key": "qatar-lng",
        "headline": "Qatar signs 20-year gas deal with Indian importer",
        "standfirst": "The agreement covers 7.5 million tonnes of LNG a year from 2028.",
        "kind": "news",
        "section": "business",
        "countries": ["qatar", "india"],
        "dateline": "DOHA",
        "tags": ["energy", "trade"],
        "authors": ["arjun-mehta"],
        "hours_ago": 150,
        "body": """QatarEnergy has agreed to supply 7.5 million tonnes a year of liquefied natural gas to an Indian importer for 20 years starting in 2028, the two companies said on Tuesday.

The deal will draw on the North Field expansion, which is set to raise Qatar's output capacity by more than 60 percent.

"India's demand for gas will grow with its cities and its factories," said Rajesh Nair, a director at the importing company.

India is trying to raise the share of gas in its energy mix to 15 percent by 2030, from about 6 percent now.
""",
    },
    {
        "key": "iraq-heritage",
        "headline": "Mosul's rebuilt minaret reopens to visitors",
        "standfirst": "The leaning al-Hadba minaret has been restored brick by brick after its "
        "destruction in 2017.",
        "kind": "photo",
        "section": "culture",
        "countries": ["iraq"],
        "dateline": "MOSUL",
        "tags": ["heritage"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 170,
        "image": "The restored minaret rises over Mosul's old city",
        "body": """The al-Hadba minaret, a leaning brick tower that was Mosul's best-known landmark for more than 800 years, has reopened to the public after a restoration that used many of its original bricks.

The minaret and the al-Nuri mosque beside it were blown up in 2017 during the battle to drive the Islamic State group from the city.

"When I saw it standing again, I felt my city had its face back," said Omar Younis, a shopkeeper who has worked in the old city for 30 years.

Engineers chose to rebuild the minaret with its famous lean. "People told us: if it stands straight, it is not al-Hadba," said the project's lead architect, Salma Hadid.
""",
    },
    {
        "key": "kyrgyz-gold",
        "headline": "Kyrgyzstan's gold mine deal draws protests in mountain villages",
        "standfirst": "Residents fear water pollution from a new open-pit mine.",
        "kind": "news",
        "section": "politics",
        "countries": ["kyrgyzstan"],
        "dateline": "BISHKEK",
        "tags": ["mining", "protests"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 85,
        "body": """Hundreds of residents of villages in Kyrgyzstan's Talas region blocked a mountain road on Monday in protest at plans for an open-pit gold mine upstream from their farms.

The government says the project will bring jobs and tax revenue. Residents say they were not consulted.

"We drink from this river, our animals drink from it, our fields live on it," said Aibek Toktogulov, a village elder.

Officials said an environmental review would be published before construction starts.
""",
    },
    {
        "key": "tajik-hydro",
        "headline": "Tajikistan's giant Rogun dam fills its second turbine",
        "standfirst": "The project, begun in Soviet times, aims to end winter blackouts.",
        "kind": "video",
        "section": "business",
        "countries": ["tajikistan"],
        "dateline": "DUSHANBE",
        "tags": ["energy", "infrastructure"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 200,
        "video": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        "image": "Construction cranes above the Rogun dam on the Vakhsh river",
        "body": """Tajikistan's Rogun hydropower station brought its second turbine online, state energy company officials said, a step towards ending the winter power cuts that have hit the country for decades.

When complete, the 335-metre dam on the Vakhsh river would be the tallest in the world.

"Every winter my children did homework by candlelight. I want that to be a story they tell their own children," said Farrukh Nazarov, an engineer at the site.

Neighbouring Uzbekistan, which once opposed the project over water for its cotton fields, has since agreed to buy electricity from it.
""",
    },
    {
        "key": "japan-robots-video",
        "headline": "Inside the Japanese care home where robots lift the patients",
        "standfirst": "With too few carers and an ageing population, one home near Osaka "
        "has bet on machines.",
        "kind": "video",
        "section": "technology",
        "countries": ["japan"],
        "dateline": "OSAKA",
        "tags": ["ageing", "robotics"],
        "authors": ["hana-kobayashi"],
        "hours_ago": 36,
        "video": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        "image": "A care worker guides a lifting robot beside a bed",
        "body": """At a care home in Sakai, south of Osaka, a robot with padded arms lifts residents from their beds into wheelchairs several times a day.

The home's director, Yumiko Tanabe, says the machines prevent back injuries among staff, who are hard to replace. "We are not replacing people. We are keeping the people we have," she said.

Japan will be short of hundreds of thousands of care workers by 2030, government estimates show. Residents have mixed feelings. "It is gentle, but it does not talk to me," said Shigeru Ota, 88.
""",
    },
    {
        "key": "korea-birthrate",
        "headline": "South Korea's births rise for the first time in nine years",
        "standfirst": "A small increase in marriages after the pandemic lifted the number of "
        "babies, but the fertility rate remains the world's lowest.",
        "kind": "news",
        "section": "politics",
        "countries": ["south-korea"],
        "dateline": "SEOUL",
        "tags": ["ageing", "demographics"],
        "authors": ["joon-park"],
        "hours_ago": 120,
        "body": """The number of babies born in South Korea rose last year for the first time since 2015, official figures showed, as couples who delayed weddings during the pandemic started families.

The total fertility rate edged up to 0.75 children per woman, still far below the 2.1 needed to keep a population stable.

"This is a bounce, not a turning point," said Choi Ji-won, a demographer at a Seoul university. "Housing costs and working hours have not changed."

The government has promised a new ministry for population strategy and larger payments for parents.
""",
    },
    {
        "key": "kpop-tour",
        "headline": "K-pop group's stadium tour takes in six Southeast Asian capitals",
        "standfirst": "Promoters say demand in the region now rivals Japan's.",
        "kind": "news",
        "section": "culture",
        "countries": ["south-korea", "indonesia", "philippines"],
        "dateline": "SEOUL",
        "tags": ["music"],
        "authors": ["joon-park"],
        "hours_ago": 160,
        "body": """A leading K-pop boy band will play stadiums in Jakarta, Manila, Bangkok, Kuala Lumpur, Singapore and Hanoi next year, its agency said, the largest Southeast Asian leg of any Korean tour so far.

Tickets for the Jakarta shows, each with room for about 60,000 people, sold out in under an hour.

"Ten years ago Southeast Asia was where you played after Japan. Now it is where you start," said Kim Min-jae, a concert promoter in Seoul.
""",
    },
    {
        "key": "india-cricket-league",
        "headline": "India's women's cricket league signs record broadcast deal",
        "standfirst": "The five-year agreement more than doubles the league's media income.",
        "kind": "news",
        "section": "culture",
        "countries": ["india"],
        "dateline": "MUMBAI",
        "tags": ["sport"],
        "authors": ["arjun-mehta"],
        "hours_ago": 180,
        "body": """India's professional women's cricket league has sold its broadcast rights for five years in a deal that more than doubles its media income, the sport's governing body said on Friday.

"Three seasons ago people asked whether anyone would watch. The stadiums have answered," said Anjali Deshpande, a former India captain who now coaches a league team.

Players' salaries remain far below those in the men's league, but the gap is narrowing.
""",
    },
    {
        "key": "afghan-schools",
        "headline": "Afghan girls learn in secret as school ban enters its fourth year",
        "standfirst": "Underground classes and online lessons reach some, but teachers say most "
        "girls have stopped studying.",
        "kind": "news",
        "section": "politics",
        "countries": ["afghanistan"],
        "dateline": "KABUL",
        "tags": ["education", "human-rights"],
        "authors": ["arjun-mehta"],
        "hours_ago": 210,
        "body": """In a private home in western Kabul, eleven teenage girls sit on cushions around a whiteboard. The lesson is chemistry; the curtains stay closed.

Afghanistan's rulers have barred girls from secondary school since 2021 and from universities since 2022. United Nations agencies estimate more than a million girls are affected.

"If they find us, the class ends. So we are careful, and we continue," said the teacher, who asked to be identified only as Mariam.

Some girls study through online courses run from abroad, but power cuts and the cost of data limit access.
""",
    },
    {
        "key": "maldives-sea",
        "headline": "Maldives raises islands as seas rise",
        "standfirst": "A new reclaimed island near Male will house 20,000 people on land "
        "two metres above sea level.",
        "kind": "photo",
        "section": "politics",
        "countries": ["maldives"],
        "dateline": "MALE",
        "tags": ["climate", "infrastructure"],
        "authors": ["arjun-mehta"],
        "hours_ago": 230,
        "image": "Dredgers pump sand to build up a lagoon island near Male",
        "body": """On the edge of a lagoon near the Maldivian capital, dredgers pump sand day and night onto a growing island that is being built higher than almost any natural land in the country.

Most of the Maldives lies less than a metre above the sea. The government says raised, reclaimed islands are one way to keep people living in the archipelago as sea levels rise.

"We do not plan to leave. We plan to build," said Aishath Shifa, a planning ministry official.

Marine scientists warn that dredging damages reefs that protect islands from waves. "The reef is the cheapest sea wall we will ever have," said coral researcher Hassan Rasheed.
""",
    },
    {
        "key": "cambodia-angkor",
        "headline": "Angkor visitor numbers climb back towards pre-pandemic levels",
        "standfirst": "Siem Reap's new airport has brought more flights, but hotels are still "
        "cutting prices to fill rooms.",
        "kind": "news",
        "section": "culture",
        "countries": ["cambodia"],
        "dateline": "SIEM REAP",
        "tags": ["tourism", "heritage"],
        "authors": ["mei-lin-tan"],
        "hours_ago": 190,
        "body": """Foreign visitors to the Angkor temple complex rose by more than a third in the first ten months of the year, the authority that manages the site said.

A new international airport, opened last year, has added direct flights from China, South Korea and Thailand.

"The tuk-tuks are busy again in the mornings," said Sok Dara, who has driven visitors around the temples for 15 years. "But the prices have not come back."
""",
    },
    {
        "key": "laos-railway",
        "headline": "Laos–China railway carries record freight but debts weigh",
        "standfirst": "The line has transformed trade through Laos; repaying it is another matter.",
        "kind": "analysis",
        "section": "business",
        "countries": ["laos", "china"],
        "dateline": "VIENTIANE",
        "tags": ["infrastructure", "debt", "trade"],
        "authors": ["mei-lin-tan"],
        "hours_ago": 260,
        "body": """Three years after it opened, the railway between Kunming and Vientiane carries more freight than its planners expected, much of it fruit, rubber and minerals moving north to China.

## A corridor that works

Transit times from the Lao capital to southern China have fallen from days to hours. Thai exporters now truck durian across the Mekong to load it onto trains.

"The train changed the map. Laos went from landlocked to land-linked," said Khamphet Sayavong, a logistics manager in Vientiane.

## The bill

Laos owes large sums to Chinese lenders, and its currency has lost more than half its value since 2021. Economists say rising freight revenue will not be enough on its own to ease the debt burden.
""",
    },
    {
        "key": "myanmar-aid",
        "headline": "Aid groups struggle to reach displaced families in Myanmar's north",
        "standfirst": "Fighting and road closures have cut off camps in Kachin State.",
        "kind": "news",
        "section": "politics",
        "countries": ["myanmar"],
        "dateline": "YANGON",
        "tags": ["human-rights", "conflict"],
        "authors": ["mei-lin-tan"],
        "hours_ago": 48,
        "body": """Humanitarian groups say they have been unable to deliver food to several camps for displaced people in Myanmar's Kachin State for more than a month, as fighting between the military and armed groups has closed the main roads.

About 100,000 people live in camps in the state, some of them since 2011.

"Rice stocks are almost finished. Families are eating one meal a day," said a camp coordinator who asked not to be named for her safety.
""",
    },
    {
        "key": "brunei-economy",
        "headline": "Brunei bets on fertiliser and fish farms to move beyond oil",
        "standfirst": "The sultanate wants non-energy industries to make up half its economy.",
        "kind": "news",
        "section": "business",
        "countries": ["brunei"],
        "dateline": "BANDAR SERI BEGAWAN",
        "tags": ["energy", "trade"],
        "authors": ["mei-lin-tan"],
        "hours_ago": 280,
        "body": """Brunei has approved an expansion of its urea fertiliser plant and new offshore fish farms as it tries to reduce its reliance on oil and gas, which still account for most of its exports.

"Our reserves will not last for ever, and our young people need jobs outside the oil fields," said Hajah Noraini, an official at the economy ministry.
""",
    },
    {
        "key": "timor-asean",
        "headline": "Timor-Leste prepares to become ASEAN's eleventh member",
        "standfirst": "Diplomats expect the young nation to join fully next year.",
        "kind": "news",
        "section": "politics",
        "countries": ["timor-leste"],
        "dateline": "DILI",
        "tags": ["diplomacy"],
        "authors": ["mei-lin-tan"],
        "hours_ago": 300,
        "body": """Timor-Leste is on course to become a full member of the Association of Southeast Asian Nations next year, diplomats said, completing a process that began when it applied in 2011.

"For a country of 1.4 million people, a seat at this table matters," said Jose da Costa, an adviser at the foreign ministry in Dili.
""",
    },
    {
        "key": "israel-startups",
        "headline": "Israeli tech start-ups raise less as investors turn cautious",
        "standfirst": "Funding for early-stage companies fell for a second year.",
        "kind": "news",
        "section": "technology",
        "countries": ["israel"],
        "dateline": "TEL AVIV",
        "tags": ["startups"],
        "authors": ["david-okafor"],
        "hours_ago": 220,
        "body": """Israeli technology start-ups raised less money in the first nine months of the year than in the same period of last year, according to an industry survey, as investors grew more cautious about the region's security.

Cybersecurity companies continued to attract large rounds. "Security is the one area where buyers keep spending," said Noa Friedman, a partner at a Tel Aviv venture fund.
""",
    },
    {
        "key": "uae-space",
        "headline": "UAE announces mission to the asteroid belt",
        "standfirst": "The spacecraft will fly past Venus on its way to study seven asteroids.",
        "kind": "news",
        "section": "technology",
        "countries": ["united-arab-emirates"],
        "dateline": "DUBAI",
        "tags": ["space"],
        "authors": ["david-okafor"],
        "hours_ago": 240,
        "body": """The United Arab Emirates said its space agency would launch a spacecraft in 2028 to study seven asteroids, building on its orbiter that has circled Mars since 2021.

"We are not building one mission at a time any more. We are building a space programme," said Sara Al Mansoori, the mission's science lead.
""",
    },
    {
        "key": "jordan-water",
        "headline": "Jordan starts building desalination plant to pipe Red Sea water north",
        "standfirst": "The project is meant to secure drinking water for Amman for decades.",
        "kind": "news",
        "section": "politics",
        "countries": ["jordan"],
        "dateline": "AMMAN",
        "tags": ["climate", "infrastructure"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 320,
        "body": """Jordan has begun construction of a desalination plant at Aqaba and a 450-kilometre pipeline to carry fresh water to Amman, one of the world's most water-scarce capitals.

"Every family in Amman knows the day of the week their water arrives. This project is meant to end that," said Omar Haddad, an official at the water ministry.
""",
    },
    {
        "key": "armenia-wine",
        "headline": "Armenian winemakers revive ancient grape varieties",
        "standfirst": "A new generation of vintners is reaching buyers in Europe and Asia.",
        "kind": "interview",
        "section": "culture",
        "countries": ["armenia"],
        "dateline": "YEREVAN",
        "tags": ["food-and-drink", "heritage"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 340,
        "image": "Clay amphorae in a winery cellar near Areni",
        "body": """Anahit Grigoryan makes wine from grape varieties that almost disappeared during the Soviet era, in clay jars buried in the floor of her cellar in the Vayots Dzor region. We asked her why. The interview has been edited.

**Why bring back old grapes?**

"Because they belong here. They survived frost and drought for centuries before anyone planted them in neat rows for brandy."

**Who buys your wine?**

"Restaurants in Paris, Tokyo and Singapore, and more and more people in Yerevan. Ten years ago Armenians drank imported wine to seem modern. Now the modern thing is to drink our own."

**What is hardest?**

"Patience. A vine takes five years to tell you whether you were right."
""",
    },
    {
        "key": "azerbaijan-cop",
        "headline": "Azerbaijan's climate pledge draws scepticism from activists",
        "standfirst": "The oil-rich state promises more solar and wind power by 2030.",
        "kind": "opinion",
        "section": "politics",
        "countries": ["azerbaijan"],
        "dateline": "BAKU",
        "tags": ["climate", "energy"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 360,
        "body": """Azerbaijan says it will generate a third of its electricity from renewable sources by 2030. It is a welcome target, but it deserves a closer look.

Oil and gas still provide most of the state's revenue, and new gas fields are being developed for export to Europe. A greener grid at home can coexist with larger fossil-fuel sales abroad.

"Targets are only as good as the auctions that follow them," said Rashad Mammadov, an energy researcher in Baku. Those auctions, more than any pledge, will show whether the promise is real.
""",
    },
    {
        "key": "turkmen-gas",
        "headline": "Turkmenistan pushes new pipeline to South Asia",
        "standfirst": "Officials say work on the long-delayed TAPI line has resumed in Afghanistan.",
        "kind": "news",
        "section": "business",
        "countries": ["turkmenistan", "afghanistan", "pakistan", "india"],
        "dateline": "ASHGABAT",
        "tags": ["energy", "infrastructure"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 380,
        "body": """Turkmenistan said construction had resumed on the Afghan section of a pipeline meant to carry its gas to Pakistan and India, a project first proposed in the 1990s.

"The route is long and the region is difficult, but the gas is there and the buyers are there," said Merdan Atayev, an official at the state gas company.

Analysts remain doubtful that financing and security can be secured for the full route.
""",
    },
    {
        "key": "bhutan-happiness",
        "headline": "Bhutan's new city plan aims to keep young people at home",
        "standfirst": "A special zone on the Indian border promises jobs without sacrificing forests.",
        "kind": "news",
        "section": "business",
        "countries": ["bhutan"],
        "dateline": "THIMPHU",
        "tags": ["infrastructure"],
        "authors": ["arjun-mehta"],
        "hours_ago": 400,
        "body": """Bhutan has unveiled plans for a new city on its southern border with India, designed to create jobs for young Bhutanese who have been leaving for Australia and elsewhere in record numbers.

"We lose our best graduates every month. We need to give them a reason to stay," said Karma Wangchuk, a planning official.
""",
    },
    {
        "key": "oman-tourism",
        "headline": "Oman's mountain villages open homestays to visitors",
        "standfirst": "A government scheme helps families turn old houses into guesthouses.",
        "kind": "news",
        "section": "culture",
        "countries": ["oman"],
        "dateline": "MUSCAT",
        "tags": ["tourism"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 420,
        "body": """Families in the villages of Oman's Jebel Akhdar have begun opening their homes to tourists under a government programme that offers grants to restore traditional houses.

"My grandfather built this house with stones from the mountain. Now people from Germany sleep in it," said Salim Al Riyami, who hosts guests in three rooms.
""",
    },
    {
        "key": "china-ai-models",
        "headline": "中国科技公司竞相发布开源大模型",
        "standfirst": "多家企业在一周内推出新版本，价格战随之升温。",
        "kind": "news",
        "section": "technology",
        "countries": ["china"],
        "lang": "zh",
        "dateline": "北京",
        "tags": ["artificial-intelligence"],
        "authors": ["david-okafor"],
        "hours_ago": 22,
        "body": """多家中国科技公司本周相继发布新的开源大语言模型，使这一领域的竞争进一步加剧。

一家北京研究机构的分析师王晓明表示："开源让中小企业也能用上先进的人工智能，但价格战也压缩了公司的利润空间。"

业内人士指出，模型在中文理解和数学推理方面进步明显，但算力仍然是各家企业面临的最大瓶颈。
""",
    },
    {
        "key": "japan-rice-prices",
        "headline": "コメ価格の高騰続く　政府が備蓄米の追加放出を検討",
        "standfirst": "スーパーの店頭価格は前年の約1.5倍に。消費者の負担が増している。",
        "kind": "news",
        "section": "business",
        "countries": ["japan"],
        "lang": "ja",
        "dateline": "東京",
        "tags": ["food-and-drink"],
        "authors": ["hana-kobayashi"],
        "hours_ago": 28,
        "body": """コメの店頭価格が高止まりしていることを受け、政府は備蓄米の追加放出を検討している。

農林水産省の担当者、田中健一氏は「流通の状況を注視し、必要であれば迅速に対応する」と述べた。

東京都内のスーパーで買い物をしていた主婦の佐藤由美さん（45）は「毎月の食費がかなり増えた。早く落ち着いてほしい」と話した。
""",
    },
    {
        "key": "korea-webtoon",
        "headline": "한국 웹툰, 해외 매출 사상 최대 기록",
        "standfirst": "북미와 동남아시아에서 독자가 크게 늘었다.",
        "kind": "news",
        "section": "culture",
        "countries": ["south-korea"],
        "lang": "ko",
        "dateline": "서울",
        "tags": ["media-freedom", "music"],
        "authors": ["joon-park"],
        "hours_ago": 54,
        "body": """한국 웹툰 산업의 해외 매출이 올해 사상 최대를 기록할 것으로 전망된다고 업계가 밝혔다.

한 웹툰 플랫폼의 해외사업 담당자 이수진 씨는 "북미와 동남아시아에서 독자 수가 빠르게 늘고 있다"며 "드라마와 영화로 만들어지는 작품도 많아졌다"고 말했다.

다만 불법 복제 사이트로 인한 피해는 여전히 큰 과제로 남아 있다.
""",
    },
    {
        "key": "thai-street-food",
        "headline": "กรุงเทพฯ จัดระเบียบแผงลอยย่านเยาวราช",
        "standfirst": "ผู้ค้ากังวลรายได้ลดลง ขณะที่นักท่องเที่ยวยังคงหลั่งไหล",
        "kind": "news",
        "section": "culture",
        "countries": ["thailand"],
        "lang": "th",
        "dateline": "กรุงเทพฯ",
        "tags": ["food-and-drink", "tourism"],
        "authors": ["mei-lin-tan"],
        "hours_ago": 66,
        "body": """กรุงเทพมหานครเริ่มจัดระเบียบแผงลอยบนถนนเยาวราช โดยกำหนดเวลาขายและพื้นที่ตั้งแผงใหม่ เพื่อให้ทางเท้าโล่งขึ้น

นางสมศรี แก้วมณี แม่ค้าขายก๋วยเตี๋ยวมากว่า 20 ปี กล่าวว่า "เราเข้าใจว่าต้องมีระเบียบ แต่ถ้าเวลาขายสั้นลง รายได้ก็ลดลงด้วย"

เจ้าหน้าที่เขตระบุว่าจะรับฟังความเห็นของผู้ค้าก่อนออกประกาศฉบับสุดท้าย
""",
    },
    {
        "key": "india-upi",
        "headline": "India's instant payments system passes 15 billion transactions a month",
        "standfirst": "Small merchants now take more digital payments than cash in many cities.",
        "kind": "news",
        "section": "technology",
        "countries": ["india"],
        "dateline": "BENGALURU",
        "tags": ["fintech"],
        "authors": ["arjun-mehta"],
        "hours_ago": 7,
        "correction": "An earlier version of this story gave the monthly total as 15 million. It is 15 billion.",
        "body": """India's Unified Payments Interface handled more than 15 billion transactions in October, the operator of the network said, another record for the system that lets people pay by scanning a QR code with a phone.

"I have not touched cash at my stall for months," said Lakshmi Narayan, who sells coconuts in Bengaluru.

Regulators are pushing banks and payment apps to spread the traffic more evenly; two apps handle most of the volume.
""",
    },
    {
        "key": "singapore-housing",
        "headline": "Singapore launches more flats to cool resale prices",
        "standfirst": "The housing board will offer 19,000 new flats next year.",
        "kind": "news",
        "section": "politics",
        "countries": ["singapore"],
        "dateline": "SINGAPORE",
        "tags": ["housing"],
        "authors": ["mei-lin-tan"],
        "hours_ago": 96,
        "body": """Singapore's Housing and Development Board will launch about 19,000 new flats next year, the national development ministry said, as it tries to slow rising prices of public flats sold on the resale market.

"Young couples should not have to choose between a home and a family," said Lim Hui Min, a member of parliament who has campaigned on housing.
""",
    },
    {
        "key": "vietnam-coffee",
        "headline": "Vietnam's coffee farmers cash in on record prices",
        "standfirst": "Robusta prices have doubled in two years after droughts cut harvests.",
        "kind": "news",
        "section": "business",
        "countries": ["vietnam"],
        "dateline": "BUON MA THUOT",
        "tags": ["food-and-drink", "markets", "climate"],
        "authors": ["mei-lin-tan"],
        "hours_ago": 18,
        "image": "Ripe coffee cherries on a farm in the Central Highlands",
        "body": """Coffee growers in Vietnam's Central Highlands are earning more than ever as global prices for robusta beans stay near record highs.

"For the first time, coffee pays for my children's university," said Y Bhiong Nie, who farms two hectares in Dak Lak province.

Traders warn that high prices may not last if next year's harvest recovers.
""",
    },
    {
        "key": "lebanon-port",
        "headline": "Beirut families still wait for answers five years after port blast",
        "standfirst": "The investigation into the 2020 explosion remains stalled.",
        "kind": "opinion",
        "section": "politics",
        "countries": ["lebanon"],
        "dateline": "BEIRUT",
        "tags": ["human-rights"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 440,
        "body": """Every month, relatives of those killed in the Beirut port explosion gather near the shattered grain silos. They ask the same question they asked in 2020: who is responsible?

The investigation has been repeatedly suspended by legal challenges from officials it sought to question. Justice delayed this long begins to look like justice denied.

"We are not asking for revenge. We are asking for a name and a trial," said Rita Khoury, whose brother died in the blast.
""",
    },
    {
        "key": "china-property",
        "headline": "China's new home prices fall for the 18th month",
        "standfirst": "Support measures have slowed the decline in the biggest cities but not elsewhere.",
        "kind": "news",
        "section": "business",
        "countries": ["china"],
        "dateline": "BEIJING",
        "tags": ["housing", "markets"],
        "authors": ["david-okafor"],
        "hours_ago": 11,
        "body": """Prices of new homes in China fell again in October, official data showed, extending a decline that began last year.

Prices in the four largest cities dropped less than in September, after local governments lifted purchase restrictions.

"The top tier is stabilising. The smaller cities are where the pain is," said Liu Yang, a property analyst in Beijing.
""",
    },
    {
        "key": "kuwait-parliament",
        "headline": "Kuwait's emir extends suspension of parliament",
        "standfirst": "The ruler says constitutional reforms must be completed first.",
        "kind": "news",
        "section": "politics",
        "countries": ["kuwait"],
        "dateline": "KUWAIT CITY",
        "tags": ["elections"],
        "authors": ["leyla-aliyeva"],
        "hours_ago": 460,
        "body": """Kuwait's emir has extended the suspension of the national assembly, saying a review of the constitution must be finished before elections are held.

"People are tired of the deadlock, but many also value the parliament as something unique in the Gulf," said Fahad Al Sabah, a political scientist in Kuwait City.
""",
    },
]

TAGS = {
    "diplomacy": "Diplomacy", "korean-peninsula": "Korean peninsula", "central-banks": "Central banks",
    "markets": "Markets", "semiconductors": "Semiconductors", "supply-chains": "Supply chains",
    "energy": "Energy", "climate": "Climate", "disasters": "Disasters", "trade": "Trade",
    "infrastructure": "Infrastructure", "labour": "Labour", "health": "Health", "regulation": "Regulation",
    "artificial-intelligence": "Artificial intelligence", "debt": "Debt", "mountains": "Mountains",
    "tourism": "Tourism", "elections": "Elections", "electric-vehicles": "Electric vehicles",
    "protests": "Protests", "media-freedom": "Media", "film": "Film", "heritage": "Heritage",
    "mining": "Mining", "ageing": "Ageing", "robotics": "Robotics", "demographics": "Demographics",
    "music": "Music", "sport": "Sport", "education": "Education", "human-rights": "Human rights",
    "conflict": "Conflict", "startups": "Start-ups", "space": "Space", "food-and-drink": "Food and drink",
    "fintech": "Fintech", "housing": "Housing",
}  # fmt: skip
