"""A cookie-keeping client that fills and posts the editor's forms as a browser would (no JavaScript),
so an integration test can take an article through the editorial workflow, the approver signing
with their password."""
import html.parser
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request


class _Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []  # {"action", "fields": [(name, value)], "buttons": [(id, name, value)]}
        self._form = None
        self._select = None  # (name, first value, chosen)
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "fields": [], "buttons": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((a["name"], a.get("value", "")))
        elif tag == "button":
            self._form["buttons"].append((a.get("id"), a.get("name"), a.get("value")))
        elif tag == "select":
            self._select = [a.get("name"), None, None]
        elif tag == "option" and self._select is not None:
            if self._select[1] is None:
                self._select[1] = a.get("value", "")
            if "selected" in a:
                self._select[2] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, first, chosen = self._select
            if name and self._form is not None:
                self._form["fields"].append((name, chosen if chosen is not None else (first or "")))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._textarea[0] and self._form is not None:
                self._form["fields"].append(tuple(self._textarea))
            self._textarea = None


class EditorClient:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.url, self.page = None, ""

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as r:
            self.url, self.page = r.geturl(), r.read().decode()
        return self.page

    def _post(self, action, fields):
        req = urllib.request.Request(self.base + action if action.startswith("/") else action,
                                     data=urllib.parse.urlencode(fields).encode(),
                                     headers={"Origin": self.base, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with self.opener.open(req, timeout=30) as r:
                self.url, self.page = r.geturl(), r.read().decode()
        except urllib.error.HTTPError as e:
            self.url, self.page = e.url, e.read().decode()
        return self.page

    def submit(self, button=None, action=None, **values):
        """Posts the form of the current page that holds the button with id `button` (or whose
        action is `action`), its fields as shown, `values` replacing them, and the button's own."""
        p = _Forms()
        p.feed(self.page)
        for f in p.forms:
            hit = [b for b in f["buttons"] if button is not None and b[0] == button]
            if hit or (action is not None and f["action"] == action):
                fields = [(k, v) for k, v in f["fields"] if k not in values]
                fields += list(values.items())
                if hit and hit[0][1]:
                    fields.append((hit[0][1], hit[0][2] or ""))
                return self._post(f["action"], fields)
        raise AssertionError(f"no form with button {button!r} / action {action!r} on {self.url}:\n{self.page[:1500]}")

    def sign_in(self, user, password):
        self.get("/quan-tri/dang-nhap")
        self.submit(action="/quan-tri/dang-nhap", username=user, password=password)
        assert "/quan-tri/" in self.url and "dang-nhap" not in self.url, self.page[:1500]

    def write_article(self, title, body):
        self.get("/quan-tri/bai-viet/moi")
        self.submit(action="/quan-tri/bai-viet/moi", do="save", title=title, summary="Tóm tắt: " + title, body_markdown=body)
        m = re.search(r"/quan-tri/bai-viet/([0-9a-f]{32})", self.url)
        assert m, (self.url, self.page[:1500])
        return m.group(1)

    def step(self, article_id, name, **fields):
        self.get("/quan-tri/bai-viet/" + article_id)
        return self.submit(button="b-" + name, **fields)
