// The SDK seen from a plugin author's tests: a tiny plugin class in this file, run under the
// fake host (plugin/fake_host.hpp), and the codec's JSON forms both sides rely on.
#include <pbgdpl/plugin/sdk.hpp>

#include <pbgdpl/plugin/fake_host.hpp>
#include <pbgdpl/store/memory.hpp>

#include <doctest/doctest.h>

using namespace pbgdpl;
namespace pp = pbgdpl::plugin;

namespace {

// Counts events, posts each through the host's HTTP and keeps a memory store.
class tiny final : public pp::plugin, pp::notifier {
 public:
  static constexpr const char* notifier_channel = "tiny";
  static constexpr std::uint32_t plugin_flags = PBGDPL_PLUGIN_THREAD_SAFE;

  tiny(pp::host h, const json& config) : host_(h), db_(store::make_memory_store()) {
    url_ = config.value("url", std::string("http://127.0.0.1:9/hook"));
  }
  store::store* as_store() override { return db_.get(); }
  pp::notifier* as_notifier() override { return this; }

  result<std::size_t> send(std::string_view event, const json& data) override {
    host_.log(PBGDPL_LOG_WARNING, "tiny " + std::string(event) + " " + format_timestamp_utc(host_.now()));
    pp::http_request r;
    r.method = "POST";
    r.url = url_;
    r.body = std::string("\x00\xff binary", 9);
    r.headers = {{"X-Event", std::string(event)}};
    auto answer = host_.http(r);
    if (!answer) return answer.err();
    if (answer->status != 200) return error(errc::io_error, {}, "máy nhận trả lỗi", "the receiver failed");
    return data.value("n", std::size_t{1});
  }

 private:
  pp::host host_;
  std::unique_ptr<store::store> db_;
  std::string url_;
};

}  // namespace

PBGDPL_PLUGIN(tiny, "tiny", "0.1.0", "MIT", "A plugin inside a test", PBGDPL_KIND_STORE | PBGDPL_KIND_NOTIFIER)

TEST_CASE("a plugin runs under the fake host: clock, log, HTTP and store changes") {
  pp::fake_host fake;
  fake.set_now(timestamp{std::chrono::seconds{1'735'689'600}});  // 2025-01-01T00:00:00Z
  fake.on_http([](const pp::http_request& r) -> result<pp::http_response> {
    pp::http_response a;
    a.status = r.body == std::string("\x00\xff binary", 9) ? 200 : 400;  // the bytes survived base64
    a.headers = {{"content-type", "text/plain"}};
    return a;
  });
  auto loaded = fake.load_entry(&pbgdpl_plugin_init, json{{"url", "https://hooks.example/x"}});
  REQUIRE(loaded);
  auto& l = **loaded;
  CHECK(std::string(l.descriptor().id) == "tiny");
  CHECK(l.descriptor().flags == PBGDPL_PLUGIN_THREAD_SAFE);
  CHECK(l.plugin_instance()->thread_safe());
  auto n = l.call_send("report.due", json{{"n", 4}});
  REQUIRE(n);
  CHECK(*n == 4);
  auto logs = fake.logs();
  REQUIRE(logs.size() == 1);
  CHECK(logs[0].level == PBGDPL_LOG_WARNING);
  CHECK(logs[0].message == "tiny report.due 2025-01-01T00:00:00Z");
  auto reqs = fake.http_requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].url == "https://hooks.example/x");
  CHECK(reqs[0].headers.at(0).second == "report.due");

  auto db = l.open_store();
  REQUIRE(db);
  store::record r;
  r.kind = "article";
  r.id = "a1";
  r.version = 1;
  r.body = json{{"id", "a1"}};
  REQUIRE((*db)->write(store::write_op::create, r, 0, "t"));
  auto changes = fake.store_changes();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].at(0).id == "a1");
  CHECK(changes[0].at(0).op == store::write_op::create);
  CHECK_FALSE(l.call_publish(json::object()));  // not a publisher
}

TEST_CASE("the fake host's default HTTP reaches loopback only") {
  pp::fake_host fake;
  auto loaded = fake.load_entry(&pbgdpl_plugin_init, json{{"url", "http://192.0.2.1/hook"}});
  REQUIRE(loaded);
  auto n = (*loaded)->call_send("x", json::object());
  REQUIRE_FALSE(n);
  CHECK(n.err().code == errc::permission_denied);
}

TEST_CASE("the SDK's entry point refuses a host of another ABI major and checks its arguments") {
  pp::fake_host fake;
  pbgdpl_host_info info{sizeof(pbgdpl_host_info), PBGDPL_ABI_MAJOR + 1, 0, "9.0.0", fake.api()};
  const pbgdpl_plugin_desc* d = nullptr;
  CHECK(pbgdpl_plugin_init(&info, &d) == PBGDPL_STATUS_VERSION);
  CHECK(d == nullptr);
  CHECK(pbgdpl_plugin_init(nullptr, &d) == PBGDPL_STATUS_INVALID_ARGUMENT);
  info.abi_major = PBGDPL_ABI_MAJOR;
  REQUIRE(pbgdpl_plugin_init(&info, &d) == PBGDPL_STATUS_OK);
  CHECK(d->struct_size == sizeof(pbgdpl_plugin_desc));
  CHECK(std::string(d->notifier->channel) == "tiny");
  CHECK(d->publisher == nullptr);
  fake.set_abi({PBGDPL_ABI_MAJOR + 1, 0});
  auto refused = fake.load_entry(&pbgdpl_plugin_init);
  REQUIRE_FALSE(refused);
  CHECK(refused.err().path == "abi_major_mismatch");
}

TEST_CASE("the SDK's barrier turns malformed requests into errors") {
  pp::fake_host fake;
  pbgdpl_host_info info{sizeof(pbgdpl_host_info), PBGDPL_ABI_MAJOR, PBGDPL_ABI_MINOR, "0.1.0", fake.api()};
  const pbgdpl_plugin_desc* d = nullptr;
  REQUIRE(pbgdpl_plugin_init(&info, &d) == PBGDPL_STATUS_OK);
  void* inst = nullptr;
  pbgdpl_buffer err{};
  REQUIRE(d->create(fake.api(), nullptr, "{}", 2, &inst, &err) == PBGDPL_STATUS_OK);
  auto call = [&](auto fn, std::string_view req) {
    pbgdpl_buffer out{}, e{};
    auto st = fn(inst, req.data(), req.size(), &out, &e);
    std::string text(e.data ? e.data : "", e.size);
    fake.api()->free(nullptr, out.data);
    fake.api()->free(nullptr, e.data);
    return std::make_pair(st, text);
  };
  auto [st1, e1] = call(d->store->read, "{not json");
  CHECK(st1 == PBGDPL_STATUS_INVALID_ARGUMENT);
  CHECK(json::parse(e1)["code"] == "parse_error");
  auto [st2, e2] = call(d->store->write, R"({"op": "explode", "record": {"kind": "a", "id": "b"}})");
  CHECK(st2 == PBGDPL_STATUS_INVALID_ARGUMENT);
  CHECK(json::parse(e2)["path"] == "/op");
  auto [st3, e3] = call(d->store->write, R"({"op": "create", "record": {"kind": 5}})");
  CHECK(st3 == PBGDPL_STATUS_INVALID_ARGUMENT);
  CHECK(json::parse(e3)["path"] == "/record/kind");
  auto [st4, e4] = call(d->store->list, R"({"kind": "article", "query": {"limit": -1}})");
  CHECK(st4 == PBGDPL_STATUS_INVALID_ARGUMENT);
  auto [st5, e5] = call(d->notifier->send, "[1]");
  CHECK(st5 == PBGDPL_STATUS_INVALID_ARGUMENT);
  std::string deep(200, '[');
  auto [st6, e6] = call(d->store->search, deep);
  CHECK(st6 == PBGDPL_STATUS_TOO_LARGE);
  d->destroy(inst);
}

TEST_CASE("the codec's JSON forms round-trip") {
  store::record r;
  r.kind = "legal_document";
  r.id = "d1";
  r.version = 4;
  r.body = json{{"number", "19/KH-PGDĐT"}};
  r.unit = "u";
  r.doc_type = "KH";
  r.fields = {"a", "b"};
  r.archived = true;
  r.searchable = true;
  r.title = "Kế hoạch";
  r.cites = {"id:x"};
  auto back = pp::store_codec::decode_record(pp::store_codec::encode(r));
  REQUIRE(back);
  CHECK(back->kind == r.kind);
  CHECK(back->body == r.body);
  CHECK(back->fields == r.fields);
  CHECK(back->archived);
  CHECK(back->cites == r.cites);
  CHECK(back->title == r.title);

  store::list_query q;
  q.where.unit = "u";
  q.where.from = date{std::chrono::year{2024}, std::chrono::month{9}, std::chrono::day{1}};
  q.where.visible_at = timestamp{std::chrono::seconds{1'700'000'000}};
  q.where.unit_in = {"", "v"};
  q.limit = 7;
  q.cursor = "c";
  q.oldest_first = true;
  q.bodies = false;
  auto qb = pp::store_codec::decode_list_query(pp::store_codec::encode(q));
  REQUIRE(qb);
  CHECK(qb->where.unit == q.where.unit);
  CHECK(qb->where.from == q.where.from);
  CHECK(qb->where.visible_at == q.where.visible_at);
  CHECK(qb->where.unit_in == q.where.unit_in);
  CHECK(qb->limit == 7);
  CHECK(qb->oldest_first);
  CHECK_FALSE(qb->bodies);

  store::search_request s;
  s.q = "luật";
  s.kinds = {"article"};
  s.order = store::search_order::newest;
  s.include_unpublished = true;
  auto sb = pp::store_codec::decode_search_request(pp::store_codec::encode(s));
  REQUIRE(sb);
  CHECK(sb->q == s.q);
  CHECK(sb->order == store::search_order::newest);
  CHECK(sb->include_unpublished);
  CHECK_FALSE(pp::store_codec::decode_search_request(json{{"order", "random"}}));

  store::search_page p;
  p.items.push_back({"article", "a", "T", "<mark>T</mark>", "s", 2.5, r});
  p.next_cursor = "n";
  p.approximate = true;
  auto pb = pp::store_codec::decode_search_page(pp::store_codec::encode(p));
  REQUIRE(pb);
  CHECK(pb->items.at(0).score == 2.5);
  CHECK(pb->items.at(0).stored.id == "d1");
  CHECK(pb->approximate);

  store::audit_entry a{3, timestamp{std::chrono::seconds{1'700'000'000}}, "me", "article", "a", "update", 2, json{{"x", 1}}};
  auto ab = pp::store_codec::decode_audit_entry(pp::store_codec::encode(a));
  REQUIRE(ab);
  CHECK(ab->at == a.at);
  CHECK(ab->previous == a.previous);

  store::change c{"article", "a", "u2", std::string("u1"), store::write_op::archive, 3, 11};
  auto cb = pp::store_codec::decode_changes(pp::store_codec::encode(std::vector<store::change>{c}));
  REQUIRE(cb);
  CHECK(cb->at(0).previous_unit == std::optional<std::string>("u1"));
  CHECK(cb->at(0).op == store::write_op::archive);
  CHECK_FALSE(pp::store_codec::decode_changes(json::array({json{{"kind", "a"}, {"id", "b"}, {"op", "explode"}}})));

  error e(errc::conflict, "/version", "Xung đột", "Conflict");
  e.details.push_back(error(errc::missing_field, "/a"));
  auto eb = pp::error_from_abi_json(pp::error_to_abi_json(e), PBGDPL_STATUS_INTERNAL);
  CHECK(eb == e);
  CHECK(pp::error_from_abi_text("", PBGDPL_STATUS_NOT_FOUND).code == errc::not_found);
  for (int i = 0; i <= 99; ++i) {
    auto code = static_cast<errc>(i);
    if (errc_name(code) == "unknown" || code == errc::ok) continue;
    CHECK(pp::to_status(code) != PBGDPL_STATUS_OK);
    CHECK(pp::errc_from_name(errc_name(code)) == code);
  }
}

TEST_CASE("base64 is canonical both ways") {
  CHECK(pp::base64_encode("") == "");
  CHECK(pp::base64_encode("f") == "Zg==");
  CHECK(pp::base64_encode("fo") == "Zm8=");
  CHECK(pp::base64_encode("foo") == "Zm9v");
  CHECK(pp::base64_encode(std::string("\x00\xff\x10", 3)) == "AP8Q");
  for (std::string s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\x00\x01\xfe\xff", 4)})
    CHECK(pp::base64_decode(pp::base64_encode(s)) == s);
  CHECK_FALSE(pp::base64_decode("Zg="));
  CHECK_FALSE(pp::base64_decode("Zh=="));  // non-zero leftover bits
  CHECK_FALSE(pp::base64_decode("Z g="));
  CHECK_FALSE(pp::base64_decode("=Zg="));
}
