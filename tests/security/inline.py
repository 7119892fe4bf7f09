"""Find what a strict Content-Security-Policy would block in an HTML page."""

from html.parser import HTMLParser


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in <{tag} {name}>")


def inline_code(html: str) -> list[str]:
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.problems


def assets(html: str) -> list[str]:
    """The src of every script and the href of every stylesheet."""

    class Assets(HTMLParser):
        found: list[str] = []

        def handle_starttag(self, tag, attrs):
            names = dict(attrs)
            if tag == "script" and names.get("src"):
                self.found.append(names["src"])
            if tag == "link" and names.get("rel") == "stylesheet":
                self.found.append(names["href"])

    parser = Assets()
    parser.found = []
    parser.feed(html)
    return parser.found
