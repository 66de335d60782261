/// The word lists behind ``StopWords``, one space-separated string per language.
enum StopWordLists {
    static let text: [String: String] = [
        "en": """
            a about above after again against all almost also although always am among an and another any are \
            around as at be became because been before being below between both but by can cannot could did \
            didn do does doesn doing don done down during each either else enough even ever every few for from \
            further get gets getting got had has hasn have haven having he her here hers herself him himself \
            his how however i if in into is isn it its itself just least less let like many may me might more \
            most much must my myself neither no nor not now of off often on once one only or other others our \
            ours ourselves out over own per perhaps quite rather really said same say says shall she should \
            since so some still such than that the their theirs them themselves then there these they this \
            those though through thus to too toward towards under until up upon us very via was wasn we well \
            were weren what whatever when where whether which while who whom whose why will with within \
            without won would yet you your yours yourself yourselves also mr mrs ms dr told according
            """,
        "de": """
            aber alle allem allen aller alles als also am an andere anderen anders auch auf aus bei beim bin \
            bis bist da dabei dadurch daher damit dann darauf darum das dass dein deine dem den denn der deren \
            des dessen deshalb die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem \
            einen einer eines einige er es etwa euch euer für gegen gewesen hat hatte hätte haben habe hier \
            ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im immer in ins ist ja jede jedem jeden jeder jedes \
            jedoch jetzt kann kein keine keinem keinen können könnte man manche mehr mein meine mich mir mit \
            muss musste nach nicht nichts noch nun nur ob oder ohne schon sehr sein seine seinem seinen seiner \
            sich sie sind so soll sollte sondern sowie über um und uns unser unter viel vom von vor wann war \
            waren warum was weil welche welchem welchen welcher wenn wer werden wie wieder will wir wird wo \
            wurde wurden zu zum zur zwar zwischen sagte laut
            """,
        "fr": """
            à afin ai aie ainsi alors après as au aucun aucune aujourd auprès aussi autre autres aux avait \
            avaient avant avec avoir ayant beaucoup bien c ça car ce ceci cela celle celles celui ces cet \
            cette ceux chaque chez comme comment contre d dans de depuis des dès donc dont du elle elles en \
            encore entre es est et étaient était été être eu eux fait faire fois il ils j je jusqu l la le les \
            leur leurs lors lui m ma mais me même mes moi moins mon n ne ni non nos notre nous on ont ou où \
            par parce pas pendant peu peut plus pour pourquoi qu quand que quel quelle quelles quels qui sa \
            sans se selon ses si sien son sont sous sur t ta te tes toi ton tous tout toute toutes très tu un \
            une vers vos votre vous y déjà dit selon
            """,
        "es": """
            a al algo algunos ante antes aquel aquella así aun aunque cada como con contra cual cuales cuando \
            de del desde donde dos e el él ella ellas ellos en entre era eran es esa esas ese eso esos esta \
            está están estaba estas este esto estos fue fueron ha había han hasta hay la las le les lo los más \
            me mi mientras mis muy nada ni no nos nosotros o otra otras otro otros para pero poco por porque \
            pues que qué quien quienes se sea según ser si sí sido sin sino sobre son su sus también tan tanto \
            te tiene tienen todo todos tras tu tus un una uno unos unas usted y ya yo dijo
            """,
        "it": """
            a ad agli ai al alla alle allo anche ancora avere aveva avevano c che chi ci come con contro cui \
            da dagli dai dal dalla dalle dallo degli dei del della delle dello di dove e è ed essere gli ha \
            hanno ho i il in io la le lei li lo loro lui ma mai me mentre mi molto ne nei nel nella nelle nello \
            no noi non nostro o ogni per perché però più poi quale quando quanto quella quelle quelli quello \
            questa queste questi questo se sei senza si sia siamo sono sopra sotto su sua sue sugli sui sul \
            sulla suo suoi tra tutti tutto un una uno vi voi è stato stata stati essere detto
            """,
        "pt": """
            a à ao aos aquela aquele aquilo as às até com como contra da das de dela dele deles depois do dos \
            e é ela elas ele eles em entre era eram essa esse esta está estão este eu foi foram há isso isto \
            já la lhe lhes mais mas me mesmo meu minha muito na nas não nem no nos nós nossa nosso num numa o \
            os ou para pela pelas pelo pelos por porque qual quando que quem se sem ser seu seus sua suas \
            também te tem têm ter teu tu tua um uma umas uns você vocês disse sobre ainda sido
            """,
        "nl": """
            aan al alle als alles ben bij dan dat de der deze die dit doch door dus een eens en er ge geen \
            geweest had heb hebben heeft hem het hier hij hoe hun iets ik in is ja je kan kon kunnen maar me \
            meer men met mij mijn moet na naar niet niets nog nu of om omdat ons onze ook op over reeds te \
            tegen toch toen tot u uit uw van veel voor want waren was wat we wel werd wie wij wordt worden zal \
            ze zei zelf zich zij zijn zo zonder zou
            """,
        "sv": """
            alla allt än andra är att av blev bli blir då där de dem den denna deras dess det detta dig din \
            ditt du efter eller en ett för från har hade han hans har henne hennes hon honom hur här i icke \
            inom inte jag ju kan kunde man med mellan men mig min mina mitt mot mycket ni nu när någon något \
            några och om oss på samma sedan sig sin sina sitt själv skulle som så till under upp ut utan vad \
            var vara varit vi vid vilka vilken vill våra vårt åt över sa enligt
            """,
        "da": """
            af alle andet andre at blev bliver da de dem den denne der deres det dette dig din dine disse dit \
            du efter eller en end er et for fra ham han hans har havde have hende hendes her hos hun hvad hvis \
            hvor i ikke ind jeg jer jo kan kunne man mange med meget men mig min mine mit mod ned noget nogle \
            nu når og også om op os over på sig sin sine sit skal skulle som sådan thi til ud under var vi \
            vil ville vor være været sagde ifølge
            """,
        "no": """
            alle at av bare begge ble blei bli blir da de deg dem den denne der dere deres det dette di din \
            disse ditt du eller en ene eneste enn er et ett etter for fra før han hans har hadde hennes her \
            hun hva hvem hver hvis hvor i ikke inn inni jeg kan kom kunne man mange med meg men min mine mitt \
            mot mye ned noe noen nå når og også om opp oss over på samme seg selv si sin sine sitt skal skulle \
            slik som så til ut uten var vi vil ville være vært sa ifølge
            """,
        "fi": """
            ei eivät emme en et ette että he heidän heidät heille heillä heiltä heistä he hän hänen hänet \
            hänelle häneltä hänestä ja jo joka jonka jos jota kanssa kuin kuka kun me meidän meille mikä \
            minä minun minut minulle mitä mukaan mutta myös ne niin nyt olen olet oli olivat olla ollut on \
            ovat se sekä sen sillä siitä siihen sinä sinun tai te tämä tämän tässä tätä vaan vai vielä voi \
            yli kaikki sitten koska näin sanoi ole olisi ovat oli olivat jotka joita joiden johon jossa \
            mutta sekä kuitenkin myös vain vielä enää aina tässä siellä täällä nyt
            """,
        "ru": """
            а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже для до \
            его ее её если есть еще ещё же за и из или им их к как когда кто ли либо между меня мне может мы \
            на над нам нас не него нее неё нет ни них но ну о об однако он она они оно от очень по под после \
            при с со так также такой там те тем то того тоже той только том ты у уже хотя чего чей чем что \
            чтобы эта эти это этого этой этом этот я сказал заявил
            """,
    ]
}
