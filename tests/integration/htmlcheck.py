"""A small HTML reader on html.parser: the tags with their attributes, the visible text, and
what an XSS check needs (executable scripts, event-handler attributes, javascript: URLs)."""
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []  # (name, {attr: value})
        self.text_parts = []
        self.script_bodies = []
        self._in_script = False
        self._in_title = False
        self.title = ""
        self.headings = []  # (level, text)
        self._heading = None
        self.feed(text)
        self.close()
        self.text = " ".join(" ".join(self.text_parts).split())

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: (v if v is not None else "") for k, v in attrs}))
        if tag == "script":
            self._in_script = True
            self.script_bodies.append("")
        if tag == "title":
            self._in_title = True
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = [int(tag[1]), ""]

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {k: (v if v is not None else "") for k, v in attrs}))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        if tag == "title":
            self._in_title = False
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self._heading:
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None

    def handle_data(self, data):
        if self._in_script:
            self.script_bodies[-1] += data
            return
        if self._in_title:
            self.title += data
        if self._heading is not None:
            self._heading[1] += data
        self.text_parts.append(data)

    def find(self, tag_name, **want):
        """Attributes of every <tag_name> whose attributes include `want` (a_b means a-b)."""
        out = []
        for tag, attrs in self.tags:
            if tag == tag_name and all(attrs.get(k.replace("_", "-")) == v for k, v in want.items()):
                out.append(attrs)
        return out

    def meta_property(self, prop):
        for tag, attrs in self.tags:
            if tag == "meta" and attrs.get("property") == prop:
                return attrs.get("content")
        return None

    def html_lang(self):
        for tag, attrs in self.tags:
            if tag == "html":
                return attrs.get("lang")
        return None

    def dangers(self):
        """Everything a browser would execute: <script> elements, on* attributes, javascript: URLs."""
        found = []
        for tag, attrs in self.tags:
            if tag == "script":
                found.append(("script element", attrs))
            for k, v in attrs.items():
                if k.startswith("on"):
                    found.append((f"{tag} {k} attribute", v))
                if k in ("href", "src", "action", "formaction", "xlink:href") and \
                        v.strip().lower().replace("\t", "").replace("\n", "").startswith(("javascript:", "vbscript:", "data:text/html")):
                    found.append((f"{tag} {k} URL", v))
        return found
