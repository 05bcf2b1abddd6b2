"""Word lists the offline drafter reads feedback with. Small, explicit, and the only place to tune them."""

from __future__ import annotations

PERMIT = {"let", "allow", "enable", "permit", "help"}
WANT = {"want", "like", "love", "need", "wish", "hope", "prefer", "require"}
WANT_NOUN = {"want", "need", "wish", "require"}  # "I love the app" is praise; "I'd love a CSV export" is not
POLITE = {"like", "love", "prefer"}  # count only with "would": "I'd like to ...", "would love a ..."
PRAISE = {"love", "like", "enjoy", "thank", "appreciate", "keep", "hate", "great", "good", "nice"}
PRAISE_ADJ = {"good", "great", "nice", "solid", "best", "awesome", "excellent", "lovely", "brilliant", "happy",
              "perfect", "amazing", "exactly", "pretty", "clean", "cleaner", "new", "same", "whole"}
FIND = {"find", "figure", "know", "see", "understand", "work"}
ADD = {"add", "support", "include", "provide", "introduce", "offer", "implement", "build"}
HOLDERS = {
    "way", "option", "ability", "button", "feature", "setting", "possibility", "function", "functionality",
    "toggle", "checkbox", "link", "menu", "place", "tool", "chance", "means",
}
SYMPTOMS = {"crash", "freeze", "hang", "fail", "quit", "break", "lag", "glitch", "reset", "disappear", "vanish"}
WHEN_WORDS = {"when", "whenever", "while", "after", "if", "once", "as", "before"}
PEOPLE = {"i", "we", "you", "users", "people", "customers", "team", "employees", "staff", "they", "admins",
          "nobody", "one", "members", "clients", "accountants", "managers"}
# Verbs that are about talking to the vendor or about the vendor's own work, not a customer goal.
NOT_ASK = {"say", "tell", "ask", "mention", "thank", "know", "wonder", "think", "feel", "try", "call", "contact",
           "discuss", "fix", "check", "treat", "hear", "look", "be", "do", "work", "happen", "go", "come", "seem",
           "restore", "make", "keep", "spend", "evaluate", "cancel", "confirm", "love", "like", "hate", "want",
           "need", "understand", "explain", "investigate", "sign", "expand", "churn", "queue", "share", "help", "hurry",
           "become", "seek", "have", "drop", "carry", "shoot", "drive", "stay", "wait", "give", "put", "take"}
OK_SINGLE = {"search", "log in", "sign in", "sign up", "log out", "sync", "check out", "pay"}
# "send me X" is something the product does; the customer's goal is to receive it.
TO_ME = {"send": "get", "give": "get", "email": "get", "mail": "get", "show": "see", "notify": "get notified", "remind": "get reminded",
         "alert": "get alerted", "warn": "get warned", "tell": "know"}
DEVERBAL = {
    "export": "export", "import": "import", "search": "search", "sync": "sync", "syncing": "sync",
    "synchronization": "sync", "login": "log in", "log-in": "log in", "signin": "sign in", "sign-in": "sign in",
    "upload": "upload", "uploading": "upload", "download": "download", "checkout": "check out", "payment": "pay",
    "backup": "back up", "filter": "filter", "filtering": "filter", "sorting": "sort", "printing": "print",
    "scanning": "scan", "scan": "scan", "ocr": "scan", "sharing": "share", "editing": "edit",
    "integration": "integrate with", "notification": "get notifications", "reminder": "get reminders", "feed": "sync",
}
# Nouns asked for without a verb ("an audit log", "two-step approvals") and the verb a customer would use.
NOUN_VERBS = {
    "log": "see", "trail": "see", "history": "see", "report": "see", "overview": "see", "summary": "see",
    "chart": "see", "breakdown": "see", "rule": "set up", "workflow": "set up", "approval": "set up",
    "delegation": "set up", "escalation": "set up", "permission": "set up", "role": "set up", "policy": "set up",
    "budget": "set up", "user": "add", "seat": "add", "member": "add", "approver": "add", "alert": "get", "notification": "get", "reminder": "get", "refund": "get",
}
STOP_NOUNS = {"app", "thing", "it", "problem", "issue", "bug", "update", "support", "lot", "idea", "job", "ui",
              "product", "team", "time", "day", "week", "month", "year", "people", "tester", "coffee", "hour",
              "money", "question", "answer", "help", "plan", "reason", "renewal", "coverage", "contract", "deal",
              "leadership", "morning", "spinner", "side", "policy"}
SLOW_SCREENS = {"dashboard", "page", "report", "reports", "screen", "list", "app", "search", "overview", "site"}
# Verbs that mean the same ask (the key groups them; the phrase keeps the customer's verb).
VERB_KEYS = {"store": "save", "remember": "save", "keep": "save", "download": "export", "pull": "export",
             "login": "log in", "sign in": "log in", "see": "view", "check": "view", "find": "search",
             "get notified": "get notifications", "get reminded": "get reminders", "attach": "upload",
             "connect": "integrate with", "link": "integrate with", "sync": "integrate with", "get out": "export"}
# Verbs on the customer's own data: a bare plural object becomes "my ..." ("export expenses" -> "export my expenses").
OWN_DATA = {"export", "download", "import", "save", "store", "back up", "upload", "delete", "edit", "view", "see",
            "print", "share", "categorize", "tag", "track", "organize", "filter", "sort", "search", "split", "archive",
            "scan", "attach", "submit", "sync", "find", "manage", "group", "rename", "copy", "duplicate", "log",
            "get out"}
NOT_ACTORS = {"us", "users", "people", "customers", "everyone", "others", "them", "things", "items"}
DROP_WORDS = {"please", "pls", "plz", "asap", "already", "again", "too", "also", "just", "really", "actually", "maybe"}
SKIP_DEPS = {"conj", "cc", "advcl", "relcl", "punct", "parataxis", "mark", "intj", "appos", "dep", "nsubj", "aux",
             "auxpass", "neg", "nsubjpass", "ccomp", "preconj", "meta", "discourse"}
KEEP_ADVMOD = {"offline", "online", "automatically", "together", "back", "separately", "manually", "in", "out"}
TRAILING_PARTICLES = {"out", "back", "away", "off", "down"}  # "get all my expenses out", not "get out all ..."
FORMATS_LOWER = {"csv", "pdf", "xlsx", "xls", "json", "excel", "heic", "sso", "api", "ofx", "qif", "saml", "scim"}
# Second chance: a verb customers use for a goal, found by position when the small parser misreads the sentence.
GOAL_VERBS = {"export", "import", "save", "store", "upload", "download", "connect", "sync", "share", "split", "filter",
              "sort", "search", "print", "scan", "edit", "delete", "change", "add", "invite", "approve", "attach",
              "log", "track", "send", "pay", "see", "view", "set", "switch", "turn", "use", "get", "create", "assign",
              "duplicate", "copy", "archive", "tag", "categorize", "group", "merge", "schedule", "automate", "convert"}
SYMPTOM_ADJ = {"broken", "stuck", "unreliable", "useless", "wrong", "unusable", "inaccurate", "buggy"}
