"""The export formats and tracker targets by name: light enough for the CLI to list them in --help."""

FORMATS = ("gherkin", "jira-csv", "ado-csv", "json", "markdown")
TARGETS = ("jira", "github", "azure", "linear", "roundup")
