/// The built-in taxonomy: the single source of the default rules.
///
/// Kept as TOML text in Swift rather than a SwiftPM resource because `Bundle.module` does not survive a
/// static install; it is parsed at stage start like an operator's file would be. `ingestctl classify
/// taxonomy` prints it, so an operator can copy it, edit it, and name the copy in `taxonomy = "…"`.
public enum DefaultTaxonomy {
    public static let toml = #"""
        # ingestd classify: the default taxonomy.
        #
        # One [labels.NAME] table per topic. NAME is what articles carry in `labels` and what routing rules name.
        #
        #   description  what the topic covers (for people; not used for matching)
        #   terms        weight = ["word or phrase", …]: each term found in the article adds its weight to the
        #                topic's evidence. Matching ignores case and punctuation: "al-qaeda" also matches
        #                "Al Qaeda". A trailing * matches any ending of the last word: "terror*" matches terror,
        #                terrorist, terrorism. A negative weight ("-2" = […]) counts against the topic. The form
        #                "word or phrase" = weight works too, one term a line.
        #   force        phrases that give the topic for certain (score 1), whatever the other evidence
        #   forbid       phrases that rule the topic out, even when a trained model proposes it
        #
        # A topic's evidence adds up weight × (1 + ln count) over its terms found in the article; a term in the
        # title counts title_weight times (see [stages.classify]). Evidence becomes a 0…1 score that grows with
        # it and is damped for long articles, where passing mentions pile up.

        [labels.politics]
        description = "Government, parliaments, elections, parties and public policy."
        [labels.politics.terms]
        3 = ["prime minister"]
        "2.5" = [
            "parliament*", "election*", "mps", "liberal democrat*", "lib dem*", "referendum", "party leader*",
            "downing street", "house of lords", "manifesto", "constituen*", "home secretary", "foreign secretary"
        ]
        2 = [
            "minister*", "tory", "tories", "senate", "senator*", "congressman", "presidential", "voter*", "ballot*",
            "commons", "whitehall", "politic*"
        ]
        "1.5" = [
            "government", "mp", "labour", "conservative*", "democrat*", "republican*", "opposition", "congress",
            "cabinet", "legislation", "coalition", "white house"
        ]
        1 = [
            "chancellor", "president", "vote*", "campaign*", "policy", "policies", "poll", "polls", "polling", "mayor",
            "governor",
            "diplomat*"
        ]
        "0.5" = ["bill", "eu", "brussels"]

        [labels.crime-law-justice]
        description = "Crime, police, courts, trials, prisons and the law."
        [labels.crime-law-justice.terms]
        3 = [
            "murder*", "manslaughter", "homicide", "robbery", "burglar*", "crown court", "magistrate*", "acquitted",
            "drug dealer*"
        ]
        "2.5" = [
            "arrest*", "jury", "guilty", "convict*", "jail*", "theft", "prosecut*", "detective*", "crime*",
            "defendant*", "charged with", "pleaded", "verdict", "stabbed", "scotland yard"
        ]
        2 = [
            "police", "court", "courts", "trial", "judge*", "sentenc*", "prison*", "fraud", "criminal*", "barrister*",
            "appeal court", "supreme court", "high court", "lawsuit*", "bail"
        ]
        "1.5" = ["suspect*", "lawyer*", "sued", "custody", "gang*", "fbi"]
        1 = ["legal"]

        [labels.conflict-war-terrorism]
        description = "War, armed conflict, terrorism, military action and unrest."
        [labels.conflict-war-terrorism.terms]
        3 = [
            "air strike*", "airstrike*", "terror*", "insurgen*", "ceasefire", "gunmen", "suicide bomber*", "jihad*",
            "al-qaeda", "shelling", "civil war", "genocide", "artillery", "drone strike*"
        ]
        "2.5" = [
            "troops", "soldier*", "armed forces", "bomb*", "militant*", "invasion", "gunman", "hostage*", "isis",
            "islamic state"
        ]
        2 = [
            "warfare", "military", "army", "missile*", "explosive*", "rebel*", "extremist*", "frontline",
            "counter-terrorism", "security forces"
        ]
        "1.5" = ["war", "wars", "explosion*", "casualties", "wounded", "front line", "nato", "weapon*"]
        1 = ["attack*", "killed", "occupation", "refugee*"]

        [labels.economy-business]
        description = "Companies, markets, trade, jobs, money and the economy."
        [labels.economy-business.terms]
        3 = [
            "share price*", "dividend*", "interest rate*", "inflation", "gdp", "recession", "merger*",
            "stock exchange", "ftse", "dow jones", "nasdaq", "ipo"
        ]
        "2.5" = [
            "economy", "shares", "investor*", "profit*", "revenue*", "earnings", "quarterly", "central bank",
            "tariff*", "oil price*", "takeover*", "wall street"
        ]
        2 = [
            "economic*", "chief executive", "ceo", "banking", "unemployment", "exports", "imports", "acquisition*",
            "analyst*"
        ]
        "1.5" = [
            "market*", "stock*", "sales", "firm", "firms", "bank", "banks", "trade", "dollar", "debt", "retail*",
            "operating", "margin*", "manufactur*", "business*"
        ]
        1 = [
            "quarter", "company", "companies", "growth", "jobs", "bid", "forecast*", "billion", "euro", "pound",
            "budget", "tax", "customer*", "guidance", "industry"
        ]
        "0.5" = ["results", "million"]

        [labels.science-technology]
        description = "Science, research, computing, the internet, telecoms and space."
        [labels.science-technology.terms]
        3 = [
            "physics", "chemistry", "nasa", "astronaut*", "telescope*", "software", "broadband", "smartphone*",
            "artificial intelligence", "games console*", "hacker*"
        ]
        "2.5" = [
            "scientist*", "computer*", "internet", "mobile phone*", "microsoft", "robot*", "algorithm*", "processor*",
            "gadget*", "video game*", "cyber*", "spam", "wireless"
        ]
        2 = [
            "laboratory", "biolog*", "genetic*", "dna", "planet*", "satellite*", "technology", "google", "digital",
            "ai", "download*"
        ]
        "1.5" = [
            "research*", "rocket*", "technolog*", "website*", "web", "chip*", "device*", "gaming", "users",
            "electronic*", "experiment*"
        ]
        1 = ["study", "space", "online", "apple", "data", "virus*", "innovation", "engineer*", "discover*"]

        [labels.health]
        description = "Medicine, disease, hospitals, public health and health care."
        [labels.health.terms]
        3 = [
            "vaccin*", "diabetes", "obesity", "heart disease", "pandemic", "epidemic", "covid*", "influenza",
            "mental health", "world health organization", "public health", "dementia"
        ]
        "2.5" = ["patient*", "nhs", "disease*", "infection*", "cancer", "surgeon*", "symptom*", "flu", "diagnos*"]
        2 = [
            "hospital*", "doctor*", "nurse*", "medicine*", "medical", "clinic*", "surgery", "outbreak*", "gp", "gps",
            "therapy", "pharmaceutical*", "smoking"
        ]
        "1.5" = ["health", "virus", "treatment*"]
        1 = ["drug*"]

        [labels.environment]
        description = "Climate change, pollution, energy transition, wildlife and conservation."
        [labels.environment.terms]
        3 = [
            "climate change", "global warming", "greenhouse", "pollution", "wind farm*", "wind power", "fossil fuel*",
            "deforestation", "biodiversity", "ecosystem*", "green energy", "net zero"
        ]
        "2.5" = ["emission*", "polluted", "renewable*", "wildlife", "endangered", "recycl*", "extinction"]
        2 = ["carbon", "environment*", "solar", "species", "conservation*", "sustainab*", "habitat*"]
        "1.5" = ["plastic*"]

        [labels.sport]
        description = "Sports events, teams, athletes and competitions."
        [labels.sport.terms]
        3 = [
            "striker", "midfield*", "goalkeeper", "premiership", "premier league", "champions league", "world cup",
            "kick-off", "half-time", "injury time", "referee", "football*", "soccer", "rugby", "cricket*", "tennis",
            "golf*", "olympic*", "wicket*", "innings", "wimbledon", "formula one", "grand prix", "boxing",
            "equaliser", "hat-trick", "six nations", "test match"
        ]
        "2.5" = [
            "scored", "league", "semi-final*", "quarter-final*", "squad", "fixture*", "athlet*", "marathon",
            "grand slam"
        ]
        2 = [
            "match", "goal*", "defender*", "keeper", "penalty", "penalties", "tournament", "championship*", "coach",
            "player*", "stadium", "second half", "first half", "medal*"
        ]
        "1.5" = ["matches", "champion*", "team", "season", "sprint*", "club", "clubs"]
        1 = ["score", "cup", "final", "manager", "fans", "victory", "defeat*", "beat"]
        "0.5" = ["win", "title"]

        [labels.arts-culture-entertainment]
        description = "Film, television, music, books, the arts, celebrities and awards."
        [labels.arts-culture-entertainment.terms]
        3 = [
            "box office", "hollywood", "actor*", "actress*", "oscar*", "bafta*", "grammy", "album*", "singer*",
            "celebrit*", "comedian*", "premiere*", "rapper", "box-office"
        ]
        "2.5" = [
            "film*", "movie*", "cinema*", "music*", "song*", "concert*", "theatre*", "exhibition*", "gallery",
            "comedy"
        ]
        2 = [
            "band", "musical", "novel*", "museum*", "artist*", "television", "drama", "documentary", "soap",
            "entertainment"
        ]
        "1.5" = ["award*", "festival*", "author", "authors", "book", "books", "art", "tv", "pop", "rock"]
        1 = ["director", "tour", "chart", "charts", "stage", "series", "show", "star", "stars", "starring"]
        "0.5" = ["single", "play"]

        [labels.education]
        description = "Schools, universities, teachers, students and exams."
        [labels.education.terms]
        3 = [
            "pupil*", "a-level*", "gcse*", "curriculum", "tuition", "classroom*", "headteacher*", "head teacher*",
            "ofsted", "kindergarten"
        ]
        "2.5" = ["school*", "teacher*", "student*", "education*", "exam", "exams", "examination*", "literacy"]
        2 = ["universit*", "college*", "graduate*", "campus"]
        "1.5" = ["academic*"]
        1 = ["degree*"]

        [labels.religion]
        description = "Faiths, churches, religious leaders and belief."
        [labels.religion.terms]
        3 = [
            "religio*", "pope", "vatican", "bishop*", "archbishop*", "priest*", "clergy", "mosque*", "imam*",
            "synagogue*", "rabbi*", "buddhis*", "bible", "quran", "koran", "ramadan", "theolog*", "clergyman"
        ]
        "2.5" = ["church*", "christian*", "catholic*", "hindu*", "prayer*", "worship*"]
        2 = ["faith", "muslim*", "islam", "jewish", "temple*"]
        "1.5" = ["god", "easter"]
        "0.5" = ["christmas"]

        [labels.society]
        description = "Social issues: families, housing, poverty, migration, equality, welfare and communities."
        [labels.society.terms]
        3 = ["homeless*", "poverty", "inequality", "discriminat*", "racism", "women's rights", "same-sex", "lgbt*"]
        "2.5" = [
            "housing", "welfare", "immigra*", "migrant*", "asylum", "equality", "racist", "civil rights", "census"
        ]
        2 = ["gender", "gay", "human rights", "charity", "charities", "volunteer*", "elderly"]
        "1.5" = ["communities", "benefits", "refugee*", "pension*", "protest*"]
        1 = ["community", "families", "social", "demonstrat*", "population"]
        "0.5" = ["family", "children"]

        [labels.disaster-accident]
        description = "Natural disasters, accidents, crashes, fires and emergencies."
        [labels.disaster-accident.terms]
        3 = [
            "earthquake*", "quake", "tsunami", "landslide*", "volcan*", "eruption", "wildfire*", "blaze",
            "firefighter*", "derail*", "plane crash", "rescuer*", "death toll"
        ]
        "2.5" = [
            "hurricane*", "cyclone*", "typhoon*", "tornado*", "accident*", "disaster*", "emergency services",
            "evacuat*"
        ]
        2 = ["flood*", "collision", "rescue*", "survivor*", "debris", "red cross"]
        "1.5" = ["crash*", "injured", "humanitarian"]
        1 = ["fire", "victims", "collapse*", "explosion", "missing"]
        "0.5" = ["aid"]

        [labels.weather]
        description = "Weather and forecasts: storms, heat, cold, rain and snow."
        forbid = [
            "political climate", "economic climate", "business climate", "investment climate", "climate of fear",
            "weather the storm", "stormed to victory"
        ]
        [labels.weather.terms]
        3 = [
            "weather", "met office", "meteorolog*", "heatwave*", "heat wave*", "gale*", "frost", "fog", "thunder*",
            "cold snap", "weather warning*"
        ]
        "2.5" = ["snow", "snowfall", "snowstorm*", "celsius", "fahrenheit", "drought*", "sunshine", "hail"]
        2 = ["rain", "rains", "rainfall", "raining", "storm", "storms", "stormy", "temperature*"]
        "1.5" = ["cloudy", "clouds"]
        1 = ["forecast*", "degrees", "wind", "winds", "windy", "ice"]
        """#
}
