"""Linguistic cues for triage: request modals, question forms, bug words, usage narratives, urgency reasons.

Patterns are written for this project from common feedback phrasing (not learned from any dataset)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.triage.sentiment import LEXICON

_F = re.IGNORECASE


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), _F)


REQUEST = _rx(
    r"\b(please|pls|plz|plse)\s+(add|make|include|bring|allow|let|give|consider|implement|support|create|update|"
    r"put|enable|have|provide|offer|do|fix\s+\w+\s+and\s+add)\b",
    r"\b(would|'d)\s+(be\s+)?(so\s+|really\s+|very\s+|super\s+)?(nice|great|good|awesome|cool|helpful|better|useful|perfect)\b",
    r"\bit\s+would\s+be\b", r"\bwould\s+(love|like|prefer|appreciate)\b", r"\bi'?d\s+(love|like)\b",
    r"\bi\s+wish(ed)?\b", r"\bwish(ed)?\s+(it|there|you|they|i\s+could|for)\b", r"\bif\s+only\b",
    r"\b(please|pls|plz)\s+(just\s+)?(?!fix|help|respond|reply|check|update\s+the\s+app|refund|cancel|confirm|contact|call|stop\s+charg)[a-z]{3,}\b",
    r"(^|[.!]\s+)(add|include|allow|make\s+it|give\s+us|bring|increase|improve)\s+\w+",
    r"\b(can|could|will|would)\s+you\s+(please\s+)?(add|make|include|bring|allow|let|give|put|create|consider|"
    r"implement|support|enable|offer|have)\b",
    r"\b(should|needs?\s+to|ought\s+to)\s+(have|add|include|be\s+able|allow|let|support|offer|make|give|bring)\b",
    r"\bfeature\s+request\b", r"\bsuggestion\b", r"\bsuggest\b", r"\bhow\s+about\b", r"\bwhy\s+not\b",
    r"\bhope(fully)?\s+(you|they|there|it|to\s+see|for|in\s+the\s+(next|future))\b", r"\bin\s+the\s+future\b",
    r"\b(add|adding)\s+(a|an|the|more|some|support|option|ability|feature)\b", r"\b(missing|lacks|lacking)\b",
    r"\bwant(ed)?\s+(to\s+be\s+able|a|an|the\s+option|more)\b", r"\bwould\s+make\b",
    r"\blet\s+(me|us|users)\b", r"\b(please|should|could|must)\s+allow\s+(me|us|users|you)\b", r"\brequest(ing)?\b", r"\bintegrat\w+\s+with\b",
    r"\bwe\s+need\b", r"\bwould\s+like\s+to\s+see\b",
    # the thing asked for, named: "needs an offline mode", "dark mode please!"
    r"\bneeds?\s+(an?\s+)?([\w-]+\s+)?(mode|option|feature|setting|button|export|integration|widget|version|support)s?\b",
    r"\b(mode|option|support|feature|export|version|button|setting|integration)s?,?\s+(please|pls|plz)\b",
    r"\bmore\s+(options|features|levels|themes|colors|languages|stickers|frames|filters|songs|content)\b",
    r"\b(requires?|should\s+be|could\s+be|can\s+be)\s+(an?\s+)?(better|improved|option|access|more|easier)\b", r"\bplease\s+(bring\s+back|make\s+it)\b", r"\bbring\s+back\b",
    r"\bonly\s+(thing|complaint|problem)\b.*\b(is|would)\b",
)

# Phrasings that often carry a request but as often a complaint or a usage note ("no way to", "needs a restart",
# "requires iOS 7"): they count half, so alone they need support from the embedding or a second cue.
REQUEST_WEAK = _rx(
    r"\b(option|ability|setting|way|feature|button)\s+to\b(?!\s+go)", r"\b(support|compatib\w+)\s+(for|with)\b",
    r"\bneeds?\s+(a|an|more|the\s+ability|an?\s+option|support|to\s+be\s+able)\b",
    r"\bneed\s+(this|it|the|a|an)\b", r"\bneeds?\s+to\s+(update|add|include|have|support|improve|be)\b",
    r"\b(requires?|required|requirement|mandates?|mandatory|must\s+have|on\s+the\s+roadmap|any\s+plans?|plans?\s+to)\b",
    r"\b(cannot|can'?t|won'?t|will\s+not)\b[^.!?]{0,40}\bwithout\b",
)

# "fix" after "the"/"quick" is thanks for a fix ("thanks for the quick fix"), not a report of a defect.
BUG = _rx(
    r"\bcrash\w*\b", r"\bfreez(es|ing)\b(?!\s+(my|our|the|your|a|an|his|her|their)\b)", r"\bfroze\b",
    r"(?<!account\s)(?<!card\s)\b(is|was|gets?|got|keeps?\s+being)\s+frozen\b", r"\bbug(s|gy)?\b", r"\bglitch\w*\b",
    r"\berror\w*\b", r"\bbroken\b", r"\bbreaks?\b", r"\b(doesn'?t|does\s+not|didn'?t|won'?t|will\s+not|can'?t|"
    r"cannot|can\s+not|isn'?t|is\s+not|not|no\s+longer|never|stopped|unable\s+to)\s+(work|working|load|loading|"
    r"open|opening|sync|syncing|start|launch|connect|save|saving|download|upload|play|update|show|display|"
    r"log\s*in|login|sign\s*in|respond|responding|function|functioning|let\s+me|send|receive|print|refresh)\w*\b",
    r"\bstopped\s+\w+ing\b", r"\bkeeps?\s+(crash|clos|freez|log|kick|stopp|restart|load|ask|reset|saying|telling)\w*",
    r"\b(since|after)\s+(the\s+|this\s+|last\s+|latest\s+|recent\s+|new\s+|ios\s*\d*\s+|an?\s+)*(update|upgrade|"
    r"version|release)\b", r"\b(force\s+clos\w*|black\s+screen|blank\s+screen|white\s+screen|spinning|"
    r"loading\s+screen)\b", r"(?<!the\s)(?<!quick\s)\bfix\b", r"\bfixed\b", r"\bfail\w*\b", r"\b(shuts?|closes?)\s+(down|itself|out)\b",
    r"\bkick(s|ed)?\s+(me\s+)?out\b", r"\bdrain\w*\b", r"\bunresponsive\b", r"\b(not|isn'?t)\s+responding\b",
    r"\b(corrupt\w*|disappear\w*|wiped|deleted\s+(all|my))\b", r"\bgone\b", r"\b(lag|laggy|lags)\b",
    r"\b(wrong|incorrect)\s+\w+", r"(?<!to\s)\bissue\b(?!\s+(a|an|the|my|our|invoices?|credit|refunds?|receipts?)\b)", r"\bproblem\b", r"\btimes?\s*out\b", r"\bstuck\b",
    # "can't reply", "unable to save": something the app should do and does not (idioms of delight excluded)
    r"\b(can'?t|cannot|can\s+not|unable\s+to|not\s+able\s+to)\s+(even\s+|easily\s+|seem\s+to\s+)?(?!wait|live|"
    r"believe|imagine|stop|say|go\s+wrong|recommend|get\s+enough|beat|complain|thank|find)\w+",
    r"\bquit\s+working\b", r"\bdisconnect\w*", r"\banymore\b",
    # wrong results and slowness are defects too: "reconciliation is wrong", "takes 20 seconds to load"
    r"\b(is|are|was|were)\s+(all\s+|always\s+|still\s+)?(wrong|incorrect)\b",
    r"\btakes?\s+(more\s+than\s+|over\s+|about\s+|almost\s+|nearly\s+)?(forever|ages|so\s+long|too\s+long|"
    r"(\d+|a|one|two|three|five|ten|several|a\s+few)\+?\s*((-|to)\s*\d+\s*)?(seconds?|secs|minutes?|mins))\b",
    r"\b(too|so|very)\s+slow\s+to\s+(load|open|start|sync|respond)\b",
)

QUESTION_START = re.compile(
    r"(^|[.!?]\s+)(how|what|why|when|where|which|who|is\s+there|are\s+there|does|do|did|can\s+i|can\s+we|"
    r"could\s+i|is\s+it|anyone|any\s+way|any\s+idea)\b", _F)

EXPERIENCE = _rx(
    r"\bi\s+(use|used|am\s+using|have\s+been\s+using|'ve\s+been\s+using|'m\s+using)\b", r"\bhelps?\s+(me|us|my)\b",
    r"\bbeing\s+able\s+to\b", r"\bsaves?\s+(me|us|my|a\s+lot|time|money)\b", r"\bevery\s*(day|morning|night|week)\b",
    r"\bdaily\b", r"\bmy\s+(kids?|son|daughter|family|wife|husband|work|job|business|team|students?|class|boss|"
    r"trip|travels?|commute|phone|life)\b", r"\bwhen\s+i\b", r"\bi\s+(can|could)\s+(now|easily|finally|always|"
    r"quickly|just)\b", r"\b(now|finally)\s+i\s+can\b", r"\bwas\s+able\s+to\b", r"\bmakes\s+(it|my|life)\b",
    r"\bwithout\s+(it|this)\b", r"\bkeeps?\s+(me|track|my)\b", r"\bi\s+(always|never|often|usually)\b",
    r"\b(for|at)\s+(work|school|home|the\s+gym|college)\b", r"\b(travel\w*|trip|flight|hotel|commut\w*)\b",
    r"\bi\s+(find|found)\b", r"\bthis\s+app\s+(lets|allows|helps|makes|has\s+helped|is\s+great\s+for)\b",
    r"\b(lets|allows)\s+(me|you|us)\b", r"\buse\s+(it|this)\s+(for|to|every|all|daily|a\s+lot)\b",
    r"\bso\s+much\s+(easier|better|faster)\b", r"\bno\s+more\b",
    # What it is for: "great for planning trips", "use it to track my runs", "for keeping notes".
    r"\b(great|good|perfect|useful|helpful|handy|ideal|best)\s+(for|to|in|when)\b", r"\bfor\s+(\w+ing)\b",
    r"\bto\s+(find|keep|track|plan|read|check|book|listen|learn|watch|organi[sz]e|store|record|follow|manage)\b", r"\bnever\s+have\s+to\b", r"\bi\s+don'?t\s+have\s+to\b",
)

COMPLAINT = _rx(
    r"\b(waste\s+of|rip[\s-]?off|scam|too\s+(many|much|expensive)|overpriced|worst|terrible|horrible|awful|"
    r"useless|garbage|trash|ridiculous|disappoint\w*|annoying|hate)\b", r"\b(ads?|advert\w*|pop[\s-]?ups?)\b",
    r"\b(refund|money\s+back|charged)\b", r"\bnot\s+worth\b", r"\bdon'?t\s+(download|buy|bother)\b",
)

# Urgency reasons, most severe first; the first that matches names the reason. They describe situations that are
# serious in any product (someone else using an account, a thing stolen, money moving unrecognised, access lost,
# data gone, service down, a legal deadline, a customer about to leave), not the vocabulary of one domain; the
# embedding check in `urgency.py` catches the same situations worded differently.
_OWNED = r"(my|our|the|his|her|their|a)\s+(\w+\s+){0,3}?"
# Things a person carries: losing one is serious whatever the product (cards, phones, bags, keys, documents).
_BELONGING = r"(cards?|wallets?|phones?|cellphones?|purses?|bags?|luggage|suitcases?|keys?|passports?|devices?|laptops?|tablets?|belongings|stuff)\b"
URGENCY_REASONS: list[tuple[str, str, re.Pattern[str]]] = [
    ("high", "security", _rx(r"\b(security\s+(hole|issue|problem|breach|flaw)|hack(ed|er)?|breach\w*|vulnerab\w*|exploit\w*|spy(ing)?|spies|"
                             r"leak(ed|ing|s)?|exposed|privacy\s+(breach|leak|violation)|compromised)\b")),
    ("high", "fraud or unauthorised use", _rx(
        r"\b(fraud\w*|bogus|unauthori[sz]ed|scam(med|mers?)?|phishing|malware|spyware|virus(es)?|fake\s+(\w+\s+){0,2}?(installers?|downloads?|sites?|versions?|apps?|updates?|pages?))\b",
        r"\bwithout\s+(my\s+|our\s+)?(permission|authori[sz]ation|consent|knowledge)\b",
        r"\b(didn'?t|did\s+not|never)\s+(make|made|buy|bought|purchase|authori[sz]e|order|approve)\b",
        r"\bdon'?t\s+(remember|recogni[sz]e)\s+(buying|making|ordering|this|that|these|the)\b",
        r"\b(someone|somebody)\s+(else\s+)?(has\s+)?(used|took|taken|accessed|hacked|jacked|logged|stole|charged|ran\s+off)\b",
        r"\b(suspicious|unusual|strange)\s+(activity|charges?|transactions?|log\s*ins?|logins?|payments?|transfers?)\b",
        r"\b(false|fake|bs|wrong|crap|crappy|messed[\s-]up|bogus|unknown)\s+(charges?|transactions?|payments?|purchases?)\s+(on|from|in)\b",
        r"\b(charge|transaction|payment|purchase)\s+is\s+(bs|fake|bogus|not\s+mine)\b",
        r"\b(charges?|transactions?|payments?|purchases?)\s+(\w+\s+){0,4}?(that\s+)?(aren'?t|isn'?t|are\s+not|is\s+not|weren'?t)\s+mine\b",
    )),
    ("high", "theft or loss", _rx(
        r"\b(stolen|swiped|pick-?pocket\w*|robbed|mugged)\b",
        r"\b(lost|misplaced|missing)\s+(\w+\s+){0,3}?" + _BELONGING,
        _BELONGING + r"\s+(\w+\s+){0,4}?(lost|stolen|missing|misplaced|disappeared|not\s+here)\b",
        r"\b(report(ing)?|replace)\s+(a\s+|my\s+)?(lost|stolen)\b", r"\b(can'?t|cannot)\s+(find|track\s+down|locate)\s+my\s+" + _BELONGING,
        r"\b(what\s+happened\s+to|where\s+(is|are))\s+my\s+" + _BELONGING,
    )),
    ("high", "block or freeze to stop harm", _rx(
        r"\b(freeze|block|lock|suspend|deactivate|disable)\s+" + _OWNED + r"(account|card)s?\b",
        r"\bput\s+(a\s+)?(stop|hold|block|freeze|lock)\s+on\b", r"\b(account|card)s?\s+(\w+\s+)?(frozen|locked)\s+(now|immediately|right\s+away)\b",
        r"\bstop\s+all\s+(access|activity|transactions)\b",
        r"\b(need|want|please|force|allow)\s+(\w+\s+){0,2}(account|card)s?\s+(to\s+)?(be\s+)?(frozen|freeze|locked|lock|blocked|block|"
        r"stopped|on\s+hold|closed)\b", r"\bput\s+(my|our)\s+(\w+\s+){0,3}?(account|card)s?\s+on\s+hold\b",
        r"\b(please\s+)?stop\s+(my|our)\s+(\w+\s+){0,2}?(account|card)s?\b",
        r"\b(block|freeze|lock|stop|suspend)\s+(my|our)\s+[^.?!]{0,40}\b(immediately|right\s+now|asap|for\s+now|at\s+once)\b",
    )),
    ("high", "outage", _rx(r"\b(outage|is\s+down|went\s+down|servers?\s+(are\s+)?down|unusable|completely\s+broken|"
                           r"nothing\s+works|won'?t\s+(open|load|start)\s+at\s+all|5\d\d\s+error)\b")),
    # A failure that happens every time, keeps happening, or comes before the writer can do the one thing they use the
    # product for leaves it unusable; a crash now and then, or on one kind of file, stays a medium defect ("keeps
    # crashing", "crashes after 3-4 pages", "every time I open it" vs "crashes every now and then", "crashed once on a
    # big file"). The parse (severity._limited) still takes back "keeps crashing on some files".
    ("high", "cannot use it at all", _rx(
        r"\bkeeps?\s+(on\s+)?(crash\w*|force[\s-]?clos\w*|freez\w*|shutting\s+down|closing|failing\s+to\s+(open|load|start))",
        r"\bkeeps?\s+(getting|giving|showing|throwing)\s+(me\s+)?(an?\s+)?errors?\s+when(ever)?\s+i\s+(try\s+to\s+)?(open|start|launch|run|use|play)",
        r"\b(won'?t|doesn'?t|does\s+not|will\s+not)\s+do\s+anything\b",
        r"(\b(crash|force[\s-]?clos|freez|froze|shuts?\s+down|closes)\w*|\bFCs?)\s+(\w+\s+){0,3}?(after|within)\s+(about\s+|only\s+|just\s+)?"
        r"(\d+|a\s+few|a\s+couple(\s+of)?|two|three|four|five)(\s*-\s*\d+)?\s+(pages?|minutes?|mins?|seconds?|secs?|slides?|"
        r"panels?|pictures?|photos?|songs?|levels?)\b",
        r"\b(\d+|a\s+few|a\s+couple(\s+of)?|two|three|four|five)(\s*-\s*\d+)?\s+(pages?|minutes?|mins?|seconds?|secs?|slides?|"
        r"panels?|songs?|levels?)\s+(and\s+)?then\s+(it\s+)?(crash|force[\s-]?clos|freez|shuts?\s+down|closes)",
        r"\b(crash|freez|froze|force[\s-]?clos)\w*\s+(at\s+|on\s+|in\s+)?(every\s+other|mid[\s-]|the\s+middle\s+of)",
        r"\b(crash\w*|force[\s-]?clos\w*|freez\w*|froze|shuts?\s+down|(won'?t|doesn'?t|does\s+not|don'?t|do\s+not|can'?t|"
        r"cannot|never)\s+(even\s+)?(open|start|load|launch|work))\b[^.!?]{0,30}?(\b(every\s*time|each\s+time|whenever|"
        r"as\s+soon\s+as)\s+i\s+(open|start|launch|run|use)\s+(it|this|the\s+app)\b|\b(on|at)\s+(every\s+)?(start\s*-?\s*up|"
        r"launch)\b|\ball\s+the\s+time\b|\bat\s+all\b)",
        r"\b(always|constantly|constant|instantly|immediately)\s+(crash|force[\s-]?clos|freez|shut)\w*\b"
        r"(?!\s+(on|when|with|after|if|in)\b)",
        r"\ball\s+it\s+(does|did)\s+is\s+(crash|freeze|close)", r"\b(completely|totally|entirely)\s+(useless|unusable|inoperable)\b",
        r"\b(can'?t|cannot|can\s+not|unable\s+to)\s+(even\s+)?(use|open|read|run)\s+(it|this|the\s+app|anything|any)\b"
        r"[^.!?]{0,20}?\bat\s+all\b",
        r"\b(can'?t|cannot|couldn'?t)\s+even\s+(open|start|launch|use)\b", r"\bnever\s+(even\s+)?(opens?|starts?|loads?|worked)\b",
    )),
    # The product will not let its writer remove it: "can't uninstall", "won't let me uninstall", "unable to remove
    # this app". Not a threat to leave (the churn cue below) but a failure that keeps them from leaving.
    ("high", "cannot remove it", _rx(
        r"\b(can'?t|cannot|can\s+not|couldn'?t|unable\s+to|not\s+able\s+to|impossible\s+to|no\s+way\s+to|(won'?t|doesn'?t|does\s+not|"
        r"will\s+not|didn'?t)\s+let\s+(me|us)|not\s+allow(ing)?\s+(me\s+|us\s+)?to|how\s+(do\s+i|to|can\s+i|do\s+you))\s+(even\s+)?"
        r"(uninstall\w*|((remove|delete|deactivate|get\s+rid\s+of)\s+(it|this|the\s+app|this\s+app|the\s+(application|software|"
        r"program)|this\s+(application|software|program))\b))",
    )),
    ("high", "lost access", _rx(
        r"\b(account|card|profile|login)s?\s+(is|was|has\s+been|got|been|seems)\s+(\w+\s+)?(blocked|frozen|locked|suspended|"
        r"disabled|deactivated|closed|restricted|banned|on\s+hold)\b",
        r"\b(hold|block|freeze|stop|restriction)\s+on\s+(my|it|this)\b",
        r"\b(account|card)s?\s+(\w+\s+)?(get|got|gets|appears\s+to\s+be|seems\s+to\s+be|needs\s+to\s+be)\s+(blocked|frozen|locked|suspended)\b",
        r"\b(it|this)\s+(appears|seems)\s+to\s+(b\s*e|be)\s+(blocked|frozen|locked|suspended)\b", r"\bwhy\s+is\s+it\s+(blocked|frozen|locked)\b",
        r"\b(can'?t|cannot)\s+(i\s+|we\s+)?(access|use)\s+my\s+(\w+\s+){0,2}?account\b",
        r"\bmy\s+(\w+\s+){0,2}?accounts?\s+(is\s+not|isn'?t|stopped|has\s+stopped)\s+working\b", r"\b(un(freeze|block|lock))\s+my\b", r"\blocked\s+out\b",
        r"\b(can'?t|cannot|can\s+not|unable\s+to)\s+(even\s+)?(log\s*in|login|sign\s*in|access|get\s+into)\b",
    )),
    ("high", "data loss", _rx(
        r"\bdata\s+loss\b", r"\bgone\s+forever\b",
        r"\blost\s+(all\s+)?(my|our|the)\s+(\w+\s+)?(data|work|files?|notes?|photos?|pictures?|documents?|progress|history|"
        r"contacts|messages|saves?|settings)\b",
        r"\blos(e|ing)\s+(all\s+)?(my|our|the)?\s*(data|work|files?|notes?|photos?|documents?|progress|history|contacts)\b",
        # what the writer made in the product: "I've lost edits", "loses my changes"
        r"\b(lost|los(e|es|ing))\s+(all\s+)?(of\s+)?(my|our|the|some)?\s*(\w+\s+)?(edits|changes|entries|recordings|drafts)\b",
        r"\b(my|our|the|all)\s+(\w+\s+){0,2}(were|was|got|have\s+been|has\s+been|are|is)\s+(all\s+)?(deleted|wiped|erased|"
        r"corrupted|gone|lost)\b", r"\b(deleted|wiped|erased)\s+(all\s+)?(of\s+)?(my|our)\b",
    )),
    # Money going wrong, not the product's domain words: an invoicing app's "invoice" is no payment incident.
    ("high", "payment", _rx(r"\b(i|we)\s+(was|were|have\s+been|'ve\s+been|got|get|keep\s+getting)\s+charged\b(?!\s+(a|any|extra|for\s+using)\b)",
                            r"\bcharged\s+(me\s+|us\s+)?(twice|double|again|wrong\w*|without)\b", r"\b(double[\s-]charg\w*|billing\s+(error|issue|problem)|billed\s+(twice|wrong\w*)|"
                            r"refund\w*|payments?\s+(failed|fails|declined|error|went\s+through\s+twice|not\s+going\s+through)|"
                            r"overcharg\w*|money\s+back|paid\s+twice|paid\s+for\s+nothing)\b",
                            # a payment refused: "my card got declined", "i got rejected on my card", "turned down"
                            r"\b(cards?|payments?|transactions?|purchases?)\s+(\w+\s+){0,2}?(got|gets|get|getting|was|were|is|are|been|being|"
                            r"keeps?\s+getting)\s+(declined|rejected|refused|turned\s+down|denied)\b",
                            r"\b(cards?|payments?)\s+(declined|rejected|refused)\b", r"\b(cards?|payments?)\s+(was|were|is|are)\s+not\s+accepted\b",
                            r"\b(i|we)\s+(got|get|was|were|keep\s+getting)\s+(declined|rejected|turned\s+down)\b",
                            # the card not working when the writer pays: "could not buy food using my card"
                            r"\b(could\s*not|couldn'?t|can'?t|cannot)\s+(buy|pay\s+for|purchase|get)\s+(\w+\s+){0,2}?(using|with)\s+my\s+(\w+\s+)?cards?\b",
                            r"\b(could\s*not|couldn'?t|can'?t|cannot)\s+(use|pay\s+with)\s+my\s+(\w+\s+)?cards?\s+(to|at|in|for)\b",
                            r"\bmy\s+(\w+\s+)?cards?\s+(stop(ped|s)?\s+working|(is|was)\s+not\s+working|isn'?t\s+working|would\s*n[o']?t\s+work)\b")),
    ("high", "legal or privacy deadline", _rx(
        r"\b(regulator\w*|regulation|gdpr|ccpa|hipaa|privacy\s+law|data\s+protection|complian(ce|t)|lawsuit|legal(ly)?\s+"
        r"(require\w*|obliged|deadline|action)|audit\s+(on|by|in|before|deadline|next|this))\b")),
    ("high", "churn threat", _rx(
        r"\bcancel\w*\s+(my|our|the)\s+(\w+\s+)?(subscription|account|membership|contract|plan)\b",
        r"\b(uninstall\w*|unsubscrib\w*|competitor|going\s+elsewhere|not\s+renew\w*|(won'?t|will\s+not|only)\s+renew)\b",
        r"\b(i'?m|we'?re|i\s+am|we\s+are|i'?ll|we'?ll|will|going\s+to)\s+(be\s+)?switch(ing)?\s+to\b",
        r"\bswitch(ing)?\s+to\s+(another|a\s+different|a\s+competitor|something\s+else)\b",
        r"\blook(ing)?\s+for\s+(an\s+)?alternative\b", r"\bdelet(e|ed|ing)\s+(the|this|a|an)\s+(\w+\s+){0,2}?(app|game|application|program)\b", r"\bleav(e|ing)\s+(for|you)\b",
        r"\bthreat\w*\s+to\s+(leave|move|cancel|switch)\b",
    )),
    ("medium", "blocker", _rx(r"\b(asap|urgent\w*|blocker|blocking|deadline|renewal|deal\s+(depends|at\s+risk)|"
                              r"critical|immediately|showstopper|can'?t\s+work)\b")),
    # "FC in every book": a force close as reviewers abbreviate it
    ("medium", "crash", _rx(r"\b(crash\w*|force\s+clos\w*|freezes|freezing\s+(up|on|when|every)|froze|fcs?)\b")),
]
HEDGED = _rx(r"\b(thinking\s+(about|of)|might|maybe|considering|not\s+sure|someday|wonder(ing)?)\b")


@dataclass(frozen=True)
class Cues:
    """Counts of each cue family in one text, plus shape features."""

    request: float  # strong phrasings count 1, weak ones 0.5
    asks: int  # strong request phrasings only
    bug: int
    question: int
    experience: int
    complaint: int
    words: int
    first_person: int
    specific: int  # content words that are neither sentiment nor filler: a description, not a verdict


_WORD = re.compile(r"[A-Za-z']+")
_CONTENT = re.compile(r"[a-z']{4,}")
_FILLER = frozenset("""
this that with have from they them their there then than what when where which while will would could should
been being were your just like really very much more most some also even only about after again because before
here into over such these those thing things time times make makes made does doesn't don't didn't can't won't
it's i'm i've that's there's game games apps application program phone tablet download downloaded stars star
rating five version free paid well every still ever never always
""".split())
_FIRST = re.compile(r"\b(i|i'm|i've|me|my|we|our|us)\b", _F)


def extract(text: str) -> Cues:
    """Cue counts for one text (deterministic, regex only)."""
    q = text.count("?") + len(QUESTION_START.findall(text))
    return Cues(
        request=(asks := len(REQUEST.findall(text))) + 0.5 * len(REQUEST_WEAK.findall(text)),
        asks=asks,
        bug=len(BUG.findall(text)),
        question=min(q, 3),
        experience=len(EXPERIENCE.findall(text)),
        complaint=len(COMPLAINT.findall(text)),
        words=len(_WORD.findall(text)),
        first_person=len(_FIRST.findall(text)),
        specific=sum(1 for w in _CONTENT.findall(text.lower()) if w not in _FILLER and w not in LEXICON),
    )


_FIRST_SENTENCE = re.compile(r"^[^.!?\n]*")


def opens_with_ask(text: str) -> bool:
    """True when the first sentence holds an explicit ask ("Please let me save my card so I don't have to ...")."""
    match = _FIRST_SENTENCE.match(text.strip())
    return bool(match and REQUEST.search(match.group(0)))


def urgency_reason(text: str) -> tuple[str, str] | None:
    """(level, reason) of the most severe urgency cue in the text, or None."""
    for level, reason, pattern in URGENCY_REASONS:
        if pattern.search(text):
            return level, reason
    return None
