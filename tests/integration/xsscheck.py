"""The XSS corpus (tests/data/xss/corpus.jsonl) and the checks a page must pass once hostile text is
stored: parsed as a browser would (html5lib, the HTML5 algorithm) and with html.parser, no element,
attribute or URL that could run script may come from the payloads."""
import json
import re
import xml.etree.ElementTree as ET

import html5lib

from htmlcheck import Page
from portal_proc import SOURCE_DIR

CORPUS = SOURCE_DIR / "tests" / "data" / "xss" / "corpus.jsonl"


def corpus():
    out = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(json.loads(line))
    return out


# Elements that run script, load a document or change how the page is read: a page may hold one
# only if the portal's own pages (crawled before any payload was written) hold the same one.
GUARDED = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math",
           "meta", "link", "style", "xml", "bgsound", "isindex", "keygen", "marquee", "template", "noscript",
           "noembed", "noframes", "xmp", "listing", "portal", "set", "animate", "foreignobject", "use"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "background", "poster", "lowsrc",
             "dynsrc", "codebase", "cite", "longdesc", "ping", "to", "values", "from", "by", "srcset", "manifest"}
SAFE_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp)[;,]")
CONTROL = re.compile(r"[\x00-\x20\x7f]+")
# What the corpus puts in a script or style: the portal's own never holds these, so a style or
# script element that does came from a payload even though an element like it is in the baseline.
SCRIPTY = re.compile(r"alert\s*\(|prompt\s*\(|confirm\s*\(|xss|javascript:|@im\\?port|expression\s*\(|-moz-binding|"
                     r"behavior\s*:|fromcharcode|document\.cookie|msgbox", re.I)


def bad_url(value):
    v = CONTROL.sub("", value).lower()
    if v.startswith(("javascript:", "vbscript:", "livescript:", "mocha:")):
        return True
    return v.startswith("data:") and not SAFE_DATA.match(v)


def bad_style(value):
    v = re.sub(r"/\*.*?\*/|\\|\s", "", value.lower())
    return any(w in v for w in ("expression(", "javascript:", "vbscript:", "behavior:", "-moz-binding", "@import"))


def local(tag):
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def same_origin(url):
    """A same-origin URL with the unit's and the record's names taken out: the portal's own links
    and scripts look the same on every unit's and record's page."""
    u = re.sub(r"^https?://127\.0\.0\.1:\d+", "", url)
    if not u.startswith("/") or u.startswith("//"):
        return None
    return re.sub(r"/don-vi/[^/]+/", "/don-vi/*/", u).split("?")[0]


def signature(tag, attrs):
    keep = ("src", "href", "rel", "type", "http-equiv", "name", "property", "charset", "id", "class", "media",
            "sizes", "viewbox", "xmlns", "aria-hidden", "focusable")
    kept = {k: v for k, v in attrs.items() if local(k) in keep}
    for k in ("src", "href"):
        if k in kept and same_origin(kept[k]) is not None:
            # A page's canonical and alternate links name the page itself: same-origin is enough.
            kept[k] = "same-origin" if tag == "link" and attrs.get("rel") in ("canonical", "alternate") else same_origin(kept[k])
    return (tag, tuple(sorted(kept.items())))


def elements(html):
    """(tag, {attr: value}, text) of every element as a browser's parser builds them."""
    root = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    for el in root.iter():
        tag = local(el.tag)
        if not tag:
            continue
        attrs = {(local(k) if not k.startswith("{http://www.w3.org/1999/xlink}") else "xlink:href" if k.endswith("}href") else local(k)): v
                 for k, v in el.attrib.items()}
        yield tag, attrs, "".join(el.itertext()) if tag in ("script", "style") else (el.text or "")


class Checker:
    """Counts pages and checks; `baseline` holds the guarded elements of the portal's own pages."""

    def __init__(self):
        self.baseline = set()
        self.pages = 0
        self.checks = 0

    def learn(self, html):
        for tag, attrs, _ in elements(html):
            if tag in GUARDED:
                self.baseline.add(signature(tag, attrs))

    def dangers(self, html, markers=()):
        """What in `html` could run script. `markers` are the payload tags the test wrote: a script
        or style whose text holds one came from a payload even if it looks like the portal's own."""
        found = []
        self.pages += 1
        for tag, attrs, text in elements(html):
            self.checks += 1
            if tag in GUARDED and signature(tag, attrs) not in self.baseline:
                found.append(("element not in the portal's own pages", tag, attrs))
            if tag in ("script", "style") and (any(m in text for m in markers) or SCRIPTY.search(text)):
                found.append(("payload inside", tag, text[:120]))
            for k, v in attrs.items():
                self.checks += 1
                if k.startswith("on"):
                    found.append(("event handler", tag, k, v[:120]))
                elif k in URL_ATTRS and bad_url(v):
                    found.append(("script URL", tag, k, v[:120]))
                elif k == "srcdoc":
                    found.append(("srcdoc", tag, v[:120]))
                elif k == "style" and bad_style(v):
                    found.append(("style", tag, v[:120]))
                elif tag == "meta" and k == "http-equiv" and v.lower() in ("refresh", "set-cookie", "link", "content-type"):
                    if signature(tag, attrs) not in self.baseline:
                        found.append(("meta http-equiv", v, attrs.get("content", "")[:120]))
        # A second reader: html.parser sees the markup a different way (no tree repair).
        # (Its script elements are left to the check above, which knows the portal's own.)
        found += [("html.parser", *d) for d in Page(html).dangers() if d[0] != "script element"]
        return found

    def fragment_dangers(self, html):
        """For HTML carried inside a feed or JSON (content_html): no guarded element at all."""
        found = []
        for tag, attrs, _ in elements(html):
            self.checks += 1
            if tag in GUARDED:
                found.append(("element", tag, attrs))
            for k, v in attrs.items():
                self.checks += 1
                if k.startswith("on") or (k in URL_ATTRS and bad_url(v)) or k == "srcdoc" or (k == "style" and bad_style(v)):
                    found.append(("attribute", tag, k, v[:120]))
        return found


ATOM = "{http://www.w3.org/2005/Atom}"


def xml_html_parts(body):
    """Parses a feed (well-formed or it raises) and returns the texts its format says are HTML."""
    root = ET.fromstring(body)
    parts = []
    for el in root.iter():
        t = el.tag
        if t in (ATOM + "content", ATOM + "summary", ATOM + "title", ATOM + "subtitle", ATOM + "rights") and el.get("type") == "html":
            parts.append(el.text or "")
        elif t in ("description", "{http://purl.org/rss/1.0/modules/content/}encoded"):
            parts.append(el.text or "")
    return root, parts
