#include <pbgdpl/network/syndication.hpp>

#include <doctest/doctest.h>

#include <pbgdpl/publish/workflow.hpp>

#include "../store/fixtures.hpp"
#include "../trust/support.hpp"

using namespace pbgdpl;
using namespace fixtures;
using namespace std::chrono_literals;

namespace {

// A division's portal key, one approver, and two published articles (one approved).
struct syndication_world {
  trust::secret_key unit_key = trust::secret_key::generate();
  trust::secret_key approver = trust::secret_key::generate();
  article a1, a2;
  approval_record r1;

  syndication_world() {
    a1 = make_article("Hưởng ứng Ngày Pháp luật Việt Nam 9/11", "Nội dung **bài viết** thứ nhất.", "pgd-ha-dong");
    a1.id = article_id{"art-ngay-phap-luat"};
    a1.author = account_id{"bien-tap-vien"};
    a2 = make_article("Tuyên truyền Luật Giao thông đường bộ", "Bài thứ hai.", "pgd-ha-dong", "2023-04-01T08:00:00+07:00");
    a2.id = article_id{"art-giao-thong"};
    auto r = publish::sign_article_approval(a1, approver, role::division_approver, unit_id{"pgd-ha-dong"},
                                            at("2023-03-21T09:00:00+07:00"), 1);
    REQUIRE(r.has_value());
    r1 = *r;
    r1.approver = account_id{"nguoi-duyet"};
  }

  network::package package() const {
    network::package p;
    p.unit = {unit_id{"pgd-ha-dong"}, "Phòng Giáo dục và Đào tạo quận Hà Đông", "education_division", "https://pgdhadong.edu.vn"};
    p.generated_at = at("2023-04-02T10:00:00+07:00");
    p.approver_keys.push_back({approver.id().hex(), approver.public_part().base64()});
    p.items.push_back(network::article_item(a1.id.value, "https://pgdhadong.edu.vn/pbgdpl/bai-viet/" + a1.id.value,
                                            a1.published_at, a1.updated_at, publish::approved_content(a1), {r1}));
    p.items.push_back(network::article_item(a2.id.value, "https://pgdhadong.edu.vn/pbgdpl/bai-viet/" + a2.id.value,
                                            a2.published_at, a2.updated_at, publish::approved_content(a2), {}));
    return p;
  }

  network::signed_package signed_package() const {
    auto s = network::sign_package(package(), unit_key);
    REQUIRE(s.has_value());
    return *s;
  }
};

// The package's JSON changed by `edit`, as text (not signed again).
std::string edited(const std::string& text, const std::function<void(json&)>& edit) {
  auto j = json::parse(text);
  edit(j);
  return trust::detail::compact(j);
}

// The same change, then signed again with `key`: a signer that lies (or a bug) cannot make the
// approvals inside pass.
network::signed_package resigned(const std::string& text, const std::function<void(json&)>& edit,
                                 const trust::secret_key& key) {
  auto j = json::parse(text);
  edit(j);
  auto p = from_json_value<network::package>(j);
  REQUIRE(p.has_value());
  auto s = network::sign_package(*p, key);
  REQUIRE(s.has_value());
  return *s;
}

}  // namespace

TEST_CASE("a signed syndication package round-trips and verifies with its approvals") {
  syndication_world w;
  auto s = w.signed_package();
  CHECK(s.items == 2);
  CHECK(s.blake2b == trust::to_hex(trust::blake2b_256(s.text)));
  auto v = network::verify_package(s.text, s.signature, w.unit_key.public_part());
  REQUIRE_MESSAGE(v.has_value(), v.err().describe());
  CHECK(v->approvals_verified == 1);
  auto expected = w.package();
  expected.signer_key_id = w.unit_key.id().hex();
  CHECK(v->pkg == expected);
  // The exported approval carries no account, and the time is written in Vietnam's offset.
  CHECK(v->pkg.items[0].approvals[0].approver == std::nullopt);
  CHECK(s.text.find("nguoi-duyet") == std::string::npos);
  CHECK(s.text.find("bien-tap-vien") == std::string::npos);
  CHECK(s.text.find("\"generated_at\":\"2023-04-02T10:00:00+07:00\"") != std::string::npos);
  CHECK(s.text.find("\"format\":\"pbgdpl/syndication/1\"") != std::string::npos);
}

TEST_CASE("an approval of an earlier revision is left out of the package") {
  syndication_world w;
  auto changed = w.a1;
  changed.revision = 2;
  changed.title += " (sửa)";
  auto it = network::article_item(changed.id.value, "", changed.published_at, changed.updated_at,
                                  publish::approved_content(changed), {w.r1});
  CHECK(it.approvals.empty());
  auto same = network::article_item(w.a1.id.value, "", w.a1.published_at, w.a1.updated_at, publish::approved_content(w.a1), {w.r1});
  CHECK(same.approvals.size() == 1);
}

TEST_CASE("a package signed by another key is refused") {
  syndication_world w;
  auto s = w.signed_package();
  auto other = trust::secret_key::generate();
  auto v = network::verify_package(s.text, s.signature, other.public_part());
  REQUIRE_FALSE(v.has_value());
  CHECK(v.err().code == errc::unknown_key);
  // Another key that claims the right key id: the signature does not verify.
  auto forged = other.public_part();
  forged.id = w.unit_key.id();
  auto v2 = network::verify_package(s.text, s.signature, forged);
  REQUIRE_FALSE(v2.has_value());
  CHECK(v2.err().code == errc::bad_signature);
}

TEST_CASE("a package changed after signing is refused whatever part changed") {
  syndication_world w;
  auto s = w.signed_package();
  const auto pk = w.unit_key.public_part();
  std::vector<std::pair<const char*, std::function<void(json&)>>> edits = {
      {"unit", [](json& j) { j["unit"]["id"] = "th-van-yen"; }},
      {"generated_at", [](json& j) { j["generated_at"] = "2024-01-01T00:00:00+07:00"; }},
      {"item content", [](json& j) {
         auto c = json::parse(j["items"][0]["content"].get<std::string>());
         c["title"] = "Tiêu đề khác";
         j["items"][0]["content"] = trust::detail::compact(c);
       }},
      {"item digest", [](json& j) { j["items"][1]["content_blake2b"] = std::string(64, 'a'); }},
      {"item url", [](json& j) { j["items"][0]["url"] = "https://evil.example/"; }},
      {"approval", [](json& j) { j["items"][0]["approvals"][0]["sequence"] = 9; }},
      {"approver key", [](json& j) { j["approver_keys"][0]["public_key"] = trust::secret_key::generate().public_part().base64(); }},
      {"item dropped", [](json& j) { j["items"].erase(1); }},
  };
  for (const auto& [name, edit] : edits) {
    const auto& name_seen = name;  // clang < 16 cannot capture a structured binding in CAPTURE's lambda
    INFO("name := ", name_seen);
    auto v = network::verify_package(edited(s.text, edit), s.signature, pk);
    REQUIRE_FALSE(v.has_value());
    CHECK(v.err().code == errc::tampered);
  }
  // One byte anywhere.
  for (std::size_t at : {std::size_t{0}, s.text.size() / 2, s.text.size() - 1}) {
    auto t = s.text;
    t[at] = static_cast<char>(t[at] ^ 1);
    CHECK_FALSE(network::verify_package(t, s.signature, pk).has_value());
  }
  // The signature file itself.
  auto sig = s.signature;
  sig[sig.find('\n') + 20] ^= 1;
  CHECK_FALSE(network::verify_package(s.text, sig, pk).has_value());
}

TEST_CASE("an approval that does not match its article is refused even in a package signed again") {
  syndication_world w;
  auto s = w.signed_package();
  const auto pk = w.unit_key.public_part();
  auto refused = [&](const network::signed_package& p, errc code, std::string_view path) {
    auto v = network::verify_package(p.text, p.signature, pk);
    REQUIRE_FALSE(v.has_value());
    CHECK(v.err().code == code);
    CHECK(v.err().path.rfind(path, 0) == 0);
  };
  // Article 1's approval moved to article 2 (digest and id set to article 2's).
  refused(resigned(s.text, [](json& j) {
            auto a = j["items"][0]["approvals"][0];
            a["content_id"] = j["items"][1]["id"];
            a["content_blake2b"] = j["items"][1]["content_blake2b"];
            j["items"][1]["approvals"].push_back(a);
          }, w.unit_key),
          errc::tampered, "/items/1/approvals/0");
  // Article 1's content changed after approval, its digest recomputed.
  refused(resigned(s.text, [](json& j) {
            auto c = json::parse(j["items"][0]["content"].get<std::string>());
            c["body_markdown"] = "Nội dung đã bị sửa sau khi duyệt.";
            j["items"][0]["content"] = trust::detail::compact(c);
            j["items"][0]["content_blake2b"] = trust::to_hex(trust::blake2b_256(j["items"][0]["content"].get<std::string>()));
            j["items"][0]["approvals"][0]["content_blake2b"] = j["items"][0]["content_blake2b"];
          }, w.unit_key),
          errc::tampered, "/items/0/approvals/0");
  // The record says another role than its signed statement.
  refused(resigned(s.text, [](json& j) { j["items"][0]["approvals"][0]["approver_role"] = "city_official"; }, w.unit_key),
          errc::tampered, "/items/0/approvals/0");
  // The approver's key replaced by another with the same id: the approval does not verify.
  auto impostor = trust::secret_key::generate().public_part();
  impostor.id = w.approver.id();
  refused(resigned(s.text, [&](json& j) { j["approver_keys"][0]["public_key"] = impostor.base64(); }, w.unit_key),
          errc::bad_signature, "/items/0/approvals/0");
  // No key for the approver at all.
  refused(resigned(s.text, [](json& j) { j["approver_keys"] = json::array(); }, w.unit_key), errc::unknown_key,
          "/items/0/approvals/0");
  // Content that names another article than the item.
  refused(resigned(s.text, [](json& j) {
            j["items"][1]["content"] = j["items"][0]["content"];
            j["items"][1]["content_blake2b"] = j["items"][0]["content_blake2b"];
          }, w.unit_key),
          errc::tampered, "/items/1/content");
}

TEST_CASE("a genuine signature whose trusted comment names another package is refused") {
  syndication_world w;
  auto s = w.signed_package();
  auto other = w.package();
  other.items.pop_back();
  auto o = network::sign_package(other, w.unit_key);
  REQUIRE(o.has_value());
  // Signed over these bytes, but with the other package's comment.
  auto comment = trust::signature::parse(o->signature)->trusted_comment;
  auto sig = trust::sign(w.unit_key, s.text, comment).to_text();
  auto v = network::verify_package(s.text, sig, w.unit_key.public_part());
  REQUIRE_FALSE(v.has_value());
  CHECK(v.err().code == errc::tampered);
  CHECK(v.err().path == "/signature");
}

TEST_CASE("a package that repeats a key or an item is refused") {
  syndication_world w;
  auto p = w.package();
  p.items.push_back(p.items.front());
  CHECK_FALSE(network::sign_package(p, w.unit_key).has_value());
  auto k = w.package();
  k.approver_keys.push_back(k.approver_keys.front());
  auto refused = network::sign_package(k, w.unit_key);
  REQUIRE_FALSE(refused.has_value());
  bool named = refused.err().path == "/approver_keys/1/key_id";
  for (const auto& d : refused.err().details) named = named || d.path == "/approver_keys/1/key_id";
  CHECK(named);
  auto s = w.signed_package();
  auto dup = s.text;
  dup.insert(1, "\"format\":\"pbgdpl/syndication/1\",");
  auto sig = trust::sign(w.unit_key, dup, trust::signature::parse(s.signature)->trusted_comment).to_text();
  CHECK_FALSE(network::verify_package(dup, sig, w.unit_key.public_part()).has_value());
}

TEST_CASE("the stock minisign verifies a package written to disk with the unit's public key") {
  syndication_world w;
  auto s = w.signed_package();
  auto dir = trust_test::scratch("syndication_minisign");
  trust_test::write(dir / "goi.json", s.text);
  trust_test::write(dir / "goi.json.minisig", s.signature);
  trust_test::write(dir / "unit.pub", w.unit_key.public_part().to_file());
  const auto cmd = "minisign -Vm " + trust_test::quote(dir / "goi.json") + " -p " + trust_test::quote(dir / "unit.pub");
  CHECK(trust_test::run(cmd) == 0);
  // It prints the trusted comment, which names the unit and the digest.
  auto out = trust_test::output(cmd + " 2>&1");
  CHECK(out.find("unit:pgd-ha-dong") != std::string::npos);
  CHECK(out.find("blake2b:" + s.blake2b) != std::string::npos);
  // And refuses the package changed by one byte, or checked with another key.
  auto t = s.text;
  t[t.size() / 2] ^= 1;
  trust_test::write(dir / "goi.json", t);
  CHECK(trust_test::run(cmd) != 0);
  trust_test::write(dir / "goi.json", s.text);
  trust_test::write(dir / "unit.pub", trust::secret_key::generate().public_part().to_file());
  CHECK(trust_test::run(cmd) != 0);
  // Each approval too: `minisign -Vm content -x approval.minisig -p approver.pub`.
  trust_test::write(dir / "content.json", w.package().items[0].content);
  trust_test::write(dir / "approval.minisig", w.r1.signature);
  trust_test::write(dir / "approver.pub", w.approver.public_part().to_file());
  CHECK(trust_test::run("minisign -Vm " + trust_test::quote(dir / "content.json") + " -x " +
                        trust_test::quote(dir / "approval.minisig") + " -p " + trust_test::quote(dir / "approver.pub")) == 0);
}

TEST_CASE("a package of as many items as a reader takes signs and verifies, and one more is refused") {
  syndication_world w;
  network::package p;
  p.unit = w.package().unit;
  p.generated_at = at("2023-04-02T10:00:00+07:00");
  for (unsigned i = 0; i < PBGDPL_MAX_ARRAY_ITEMS; ++i)
    p.items.push_back(network::article_item("a" + std::to_string(i), "", std::nullopt, p.generated_at,
                                            "{\"id\":\"a" + std::to_string(i) + "\"}", {}));
  auto s = network::sign_package(p, w.unit_key);
  REQUIRE(s.has_value());
  auto v = network::verify_package(s->text, s->signature, w.unit_key.public_part());
  const std::string why = v ? std::string() : v.err().describe();
  REQUIRE_MESSAGE(v.has_value(), why);
  CHECK(v->pkg.items.size() == PBGDPL_MAX_ARRAY_ITEMS);
  // (Repeats are looked for in a set, not pairwise. No clock here: this TU is built at -O0 and
  // shares two cores with three other tests, where 10,000 items took 13 s under load against
  // a 10 s bound: a clock in a unit test measures the machine, not the code.)
  p.items.push_back(network::article_item("one-more", "", std::nullopt, p.generated_at, "{\"id\":\"one-more\"}", {}));
  auto refused = network::sign_package(p, w.unit_key);
  REQUIRE_FALSE(refused.has_value());
}
