"""Word lists behind the semantic checks. Kept in one place so a PO-facing change is one edit."""

from __future__ import annotations

# Verbs that name a user action; used when the tagger mistakes a verb for a noun ("search and filter invoices").
ACTION_VERBS = frozenset("""
access add adjust administer aggregate alert allow analyse analyze annotate apply approve archive arrange assign
attach audit authenticate authorize back backup block book browse build buy calculate call cancel capture change
chat check choose classify clear click close collaborate collect combine comment compare compile complete compose
configure confirm connect contact convert copy correct create customise customize deactivate debug decide define
delete deliver deploy deposit describe design detect determine develop disable discover display download drag draw
duplicate edit email embed enable enter estimate evaluate exchange execute explore export extract fetch fill filter
find fix flag follow forecast format forward generate get give grant group hide highlight identify import include
index inspect install integrate invite join keep label launch learn link list load locate lock log login logout
maintain manage map mark measure merge migrate modify monitor move navigate notify obtain open order organise
organize pay pause pick pin plan play post predict preview print prioritize process produce publish purchase query
rank rate read receive record recover redirect refresh register reject reload remove rename reopen reorder repair
replace reply report request reschedule reserve reset resolve restore restrict retrieve return reuse review revoke
run save scan schedule score search see select sell send set share show sign simulate sort specify split start stop
store stream submit subscribe suggest summarize support suspend switch sync synchronize tag test track train
transfer translate trigger undo unlock unsubscribe update upgrade upload use validate verify view visualize vote
watch withdraw write
""".split())

# Fixed expressions where "and"/"or" joins parts of ONE thing, not two features.
BINOMIALS = (
    "terms and conditions", "drag and drop", "copy and paste", "cut and paste", "pros and cons", "search and replace",
    "read and write", "trial and error", "research and development", "black and white", "question and answer",
    "questions and answers", "more and more", "up and running", "back and forth", "check in and check out",
    "and/or", "profit and loss", "time and date", "date and time", "first and last name", "name and address",
    "username and password", "user name and password", "login and password", "email and password",
    "bed and breakfast", "health and safety", "plug and play", "point and click", "sign in and sign out",
    "and so on", "and so forth", "end-to-end", "compare and contrast", "pick and choose", "sign up and log in",
)

# Words naming a UI widget or an implementation choice: the story should say what the user needs, not how.
UI_WORDS = frozenset("""
button buttons dropdown dropdowns drop-down checkbox checkboxes check-box radio popup pop-up popups modal modals
dialog dialogue tab tabs menu menus submenu sidebar navbar toolbar banner widget widgets slider toggle textbox
textfield text-box tooltip tooltips icon icons screen screens page pages webpage homepage link links hyperlink
carousel scrollbar form forms field fields column columns click clicks tap swipe hover font colour color
""".split())
TECH_WORDS = frozenset("""
database sql nosql api apis json xml csv blockchain cloud server servers backend front-end frontend javascript
python java cron script scripts docker kubernetes microservice microservices cache redis
algorithm algorithms ai iot ml gis neural cnn rnn lstm svm xgboost arima
""".split())
TECH_WORDS = TECH_WORDS | frozenset(
    "framework architecture infrastructure firmware pipeline middleware codebase".split())
# Means verbs that describe building the product, i.e. the solution, instead of what a user can do with it.
BUILD_VERBS = frozenset("develop design implement build integrate code deploy refactor architect program engineer "
                        "train".split())
TECH_PHRASES = ("machine learning", "deep learning", "neural network", "artificial intelligence", "random forest",
                "decision tree", "logistic regression", "support vector", "natural language processing",
                "computer vision", "data mart", "web service", "rest api")

# Words a tester cannot check without a number or an observable result.
VAGUE_TERMS = frozenset("""
easy easily fast faster quick quickly simple simply user-friendly userfriendly intuitive intuitively efficient
efficiently flexible robust seamless seamlessly appropriate appropriately adequate adequately optimal optimally
better best improved enhanced nice good smooth smoothly reliable reliably accurate accurately secure securely
proper properly various several etc etcetera clear clearly modern scalable comprehensive powerful advanced
timely relevant meaningful effective effectively sufficient sufficiently convenient conveniently significant
""".split())
VAGUE_PHRASES = ("as soon as possible", "as much as possible", "as needed", "if necessary", "if needed", "and/or",
                 "and so on", "state of the art", "state-of-the-art", "works well", "work well", "as expected",
                 "user friendly", "any kind of")

# Means verbs that describe a whole area of work, not one story a team can size.
EPIC_VERBS = frozenset("manage handle administer maintain support govern oversee operate run".split())
EPIC_OBJECTS = ("everything", "all features", "all aspects", "the whole", "the entire", "all data", "all the data",
                "all functions", "all functionality", "any kind", "all kinds", "every aspect", "the system",
                "the platform", "the application", "end-to-end")
# Means verbs whose goal never ends unless a target is given ("optimize the search").
OPEN_ENDED_VERBS = frozenset("ensure optimize optimise improve enhance maximize maximise minimize minimise increase "
                             "reduce promote foster boost streamline".split())
# Means that describe learning or exploring rather than a capability the product delivers.
NO_FEATURE_VERBS = frozenset("explore understand learn benefit feel investigate research study consider "
                             "collaborate leverage ensure".split())
# Roles that build the product rather than use it (a story should name who benefits).
BUILDER_ROLES = frozenset({
    "system", "the system", "application", "app", "software", "program", "developer", "developers", "programmer",
    "software developer", "software engineer", "system developer", "system architect", "software architect",
    "tester", "data scientist", "devops engineer", "development team", "dev team", "team", "engineer", "coder",
    "machine learning engineer", "ml engineer", "system designer", "architect", "backend developer",
    "frontend developer", "front-end developer", "back-end developer", "scrum team",
})

# Action pairs that cannot both hold for the same role and object.
OPPOSITES = (
    ("allow", "prevent"), ("allow", "forbid"), ("allow", "block"), ("allow", "disallow"), ("show", "hide"),
    ("enable", "disable"), ("include", "exclude"), ("lock", "unlock"), ("require", "skip"), ("permit", "forbid"),
    ("publish", "unpublish"), ("expose", "hide"), ("display", "hide"), ("share", "restrict"), ("keep", "delete"),
    ("keep", "remove"), ("always", "never"), ("public", "private"), ("visible", "invisible"), ("see", "hide"),
)
