#!/usr/bin/env python3
"""Writes plugins/extract/Entities/GazetteerData.swift: the extract stage's built-in gazetteer.

Sources:
- Country names: Debian's iso-codes package (/usr/share/iso-codes/json/iso_3166-1.json, ISO 3166-1 as
  maintained by the iso-codes project, LGPL-2.1+; `apt-get install iso-codes`). The common name is used when
  the record has one ("Iran", not "Iran, Islamic Republic of"); names with a comma are skipped.
- Everything else (short country forms, capitals, major cities and regions, well-known organisations, given
  names, place and organisation words): compact lists written by hand for this project, below.

Run from the repository root: python3 scripts/make_gazetteer.py
"""
import json
import os
import sys

ISO = "/usr/share/iso-codes/json/iso_3166-1.json"
OUT = os.path.join("plugins", "extract", "Entities", "GazetteerData.swift")

EXTRA_PLACES = """
Russia Turkey USA US U.S. UK U.K. Britain Great\\ Britain America England Scotland Wales Northern\\ Ireland Holland
Czech\\ Republic Ivory\\ Coast Burma Palestine Gaza West\\ Bank Kosovo Crimea Donbas Donbass Siberia Chechnya
Europe Asia Africa Australia Antarctica Middle\\ East Latin\\ America North\\ America South\\ America Scandinavia
Balkans Caucasus Kashmir Tibet Xinjiang Hong\\ Kong Macau Taiwan Quebec Ontario California Texas Florida
New\\ York Alaska Hawaii Bavaria Catalonia Sicily Sardinia Corsica Crete Cyprus Greenland Iceland
Kabul Tirana Algiers Luanda Buenos\\ Aires Yerevan Canberra Vienna Baku Nassau Manama Dhaka Minsk Brussels
Sofia Brasilia Ottawa Santiago Beijing Bogota Zagreb Havana Nicosia Prague Copenhagen Cairo Tallinn
Addis\\ Ababa Helsinki Paris Tbilisi Berlin Accra Athens Guatemala\\ City Budapest Reykjavik New\\ Delhi
Jakarta Tehran Baghdad Dublin Jerusalem Rome Tokyo Amman Astana Nairobi Pristina Kuwait\\ City Bishkek
Riga Beirut Tripoli Vilnius Luxembourg Kuala\\ Lumpur Valletta Mexico\\ City Chisinau Monaco Ulaanbaatar
Podgorica Rabat Kathmandu Amsterdam The\\ Hague Wellington Abuja Pyongyang Skopje Oslo Muscat Islamabad
Panama\\ City Asuncion Lima Manila Warsaw Lisbon Doha Bucharest Moscow Kigali Riyadh Dakar Belgrade
Singapore Bratislava Ljubljana Mogadishu Pretoria Cape\\ Town Seoul Juba Madrid Colombo Khartoum Stockholm
Bern Damascus Taipei Dushanbe Dodoma Bangkok Tunis Ankara Ashgabat Kampala Kyiv Kiev Abu\\ Dhabi London
Washington Montevideo Tashkent Caracas Hanoi Sanaa Lusaka Harare Ramallah Vatican
Shanghai Mumbai Delhi Kolkata Chennai Bangalore Karachi Lahore Istanbul Dubai St\\ Petersburg
Saint\\ Petersburg Novosibirsk Yekaterinburg Kazan Kharkiv Odesa Odessa Lviv Dnipro Mariupol Kherson
Zaporizhzhia Bakhmut Donetsk Luhansk Sevastopol Belgorod Kursk Los\\ Angeles Chicago Houston Phoenix
Philadelphia San\\ Francisco Boston Seattle Miami Atlanta Denver Detroit Las\\ Vegas New\\ Orleans Toronto
Montreal Vancouver Sydney Melbourne Brisbane Perth Auckland Sao\\ Paulo Rio\\ de\\ Janeiro Johannesburg
Lagos Casablanca Marseille Lyon Munich Hamburg Frankfurt Cologne Milan Naples Barcelona Valencia Seville
Manchester Birmingham Liverpool Glasgow Edinburgh Cardiff Belfast Rotterdam Antwerp Geneva Zurich
Krasnogorsk Gdansk Krakow Osaka Kyoto Busan Guangzhou Shenzhen Wuhan Chengdu Hangzhou Ho\\ Chi\\ Minh\\ City
Jeddah Mecca Medina Aleppo Mosul Basra Tel\\ Aviv Haifa Rafah Khan\\ Younis Benghazi Mombasa Kinshasa
Manhattan Brooklyn Westminster Silicon\\ Valley Wall\\ Street Red\\ Square Black\\ Sea Baltic Mediterranean
Atlantic Pacific Arctic
"""

ORGANISATIONS = """
UN United\\ Nations NATO EU European\\ Union European\\ Commission European\\ Parliament IMF World\\ Bank WTO WHO
UNESCO UNICEF UNHCR OPEC OSCE ASEAN African\\ Union Red\\ Cross Interpol Europol G7 G20 BRICS IAEA
White\\ House State\\ Department Pentagon Kremlin Congress Senate House\\ of\\ Representatives Supreme\\ Court
Downing\\ Street Foreign\\ Office Home\\ Office Bundestag Duma State\\ Duma Knesset Elysee
FBI CIA NSA FSB SVR GRU KGB MI5 MI6 NHS BBC CNN Reuters Associated\\ Press AP AFP Bloomberg TASS RIA\\ Novosti
Interfax Al\\ Jazeera New\\ York\\ Times Washington\\ Post Wall\\ Street\\ Journal Financial\\ Times Guardian
Islamic\\ State ISIS ISIL Daesh Taliban Hamas Hezbollah Al-Qaeda al-Qaeda Wagner Wagner\\ Group
Google Alphabet Apple Microsoft Amazon Meta Facebook Twitter OpenAI Tesla SpaceX Nvidia Intel IBM Samsung
Sony Toyota Volkswagen Siemens Shell BP Gazprom Rosneft Aeroflot Boeing Airbus Netflix Uber Huawei Alibaba
Tencent Federal\\ Reserve European\\ Central\\ Bank Bank\\ of\\ England Goldman\\ Sachs JPMorgan Morgan\\ Stanley
Democratic\\ Party Republican\\ Party Labour Labour\\ Party Conservative\\ Party Conservatives Tories
Democrats Republicans Investigative\\ Committee Federal\\ Security\\ Service Ministry\\ of\\ Defence
Harvard Oxford\\ University Cambridge\\ University MIT Stanford Yale Olympic\\ Committee FIFA UEFA
"""

# Common given names across several languages: a first word in this list makes a two- or three-word name a
# person even without a title next to it.
GIVEN_NAMES = """
Aaron Adam Adrian Ahmed Alan Albert Alejandro Aleksandr Alex Alexander Alexandra Alexei Alexey Ali Alice Alina
Amanda Amy Ana Anatoly Andrea Andreas Andrei Andrew Andrey Angela Anna Anne Anthony Antonio Antony Ariel Boris
Barack Ben Benjamin Bernard Bill Bob Brian Carl Carlos Catherine Charles Charlotte Chris Christian Christine
Christopher Claire Claude Daniel David Dmitry Donald Dmitri Elena Elizabeth Emily Emma Emmanuel Eric Erik Eva
Fatima Fernando Francesco Francis Frank Fran\u00e7ois George Georg Gerhard Giorgia Hans Hannah Helen Henry Hugo
Igor Ivan Jack Jacob James Jan Jane Janet Javier Jean Jennifer Jens Jessica Jim Joe Johan John Jonathan Jorge
Jose Joseph Juan Julia Julian Karine Karl Kate Katherine Keir Kevin Kim Kamala Klaus Laura Lars Laurent Linda
Lisa Louis Lucas Luis Maria Marie Mark Martin Mary Matthew Michael Michel Mike Mohammed Muhammad Nadia Natalia
Nicolas Nicola Nikolai Olaf Olena Olga Oliver Pablo Patrick Paul Pedro Peter Philip Pierre Rachel Rebecca Richard
Robert Roman Rishi Ruth Sarah Sam Samuel Sara Sergei Sergey Simon Sophie Stefan Stephen Steven Susan Thomas Tom
Valentina Vladimir Viktor Volodymyr Wang William Xi Yulia Yuri Zhang Li Emmanuelle Ursula Recep Narendra Benjamin
Joe Nancy Hillary Jake Liz Maria Mariana Matteo Giuseppe Marco Luca Sven Ingrid Astrid Mette Ahmad Omar Hassan
Hussein Yusuf Ibrahim Khalid Leila Sofia Noah Liam Ethan Olivia Mia Ava Grace Chloe Ella Zoe Lily
"""


def split_escaped(block):
    items, cur = [], ""
    tokens = block.replace("\n", " ").split(" ")
    for t in tokens:
        if not t:
            continue
        if t.endswith("\\"):
            cur += t[:-1] + " "
        else:
            items.append(cur + t)
            cur = ""
    return items


def main():
    if not os.path.exists(ISO):
        print(f"{ISO} not found: install iso-codes (apt-get install iso-codes)", file=sys.stderr)
        return 1
    with open(ISO, encoding="utf-8") as f:
        countries = json.load(f)["3166-1"]
    places = []
    for c in countries:
        name = c.get("common_name") or c["name"]
        if "," not in name:
            places.append(name)
    places += split_escaped(EXTRA_PLACES)
    orgs = split_escaped(ORGANISATIONS)
    given = split_escaped(GIVEN_NAMES)

    def uniq(xs):
        seen, out = set(), []
        for x in xs:
            if x not in seen:
                seen.add(x)
                out.append(x)
        return sorted(out)

    def swift_list(xs):
        lines, line = [], "       "
        for x in xs:
            item = ' "' + x.replace('"', '\\"') + '",'
            if len(line) + len(item) > 116:
                lines.append(line)
                line = "       "
            line += item
        lines.append(line)
        return "\n".join(lines)

    with open(OUT, "w", encoding="utf-8") as f:
        f.write("// Generated by scripts/make_gazetteer.py; do not edit. Country names from Debian's iso-codes\n")
        f.write("// (ISO 3166-1, LGPL-2.1+); the other lists are the project's own.\n\n")
        f.write("enum GazetteerData {\n")
        f.write("    static let places: [String] = [\n" + swift_list(uniq(places)) + "\n    ]\n\n")
        f.write("    static let organisations: [String] = [\n" + swift_list(uniq(orgs)) + "\n    ]\n\n")
        f.write("    static let givenNames: [String] = [\n" + swift_list(uniq(given)) + "\n    ]\n")
        f.write("}\n")
    print(f"wrote {OUT}: {len(uniq(places))} places, {len(uniq(orgs))} organisations, {len(uniq(given))} given names")
    return 0


if __name__ == "__main__":
    sys.exit(main())
