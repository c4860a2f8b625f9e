// The API's screens (issue 16): who may write displays, groups, layouts, playlists and schedule
// entries, the device routes under /v1/signage/ and the plays report. Included by impl/api.ipp.
#pragma once

#include <algorithm>
#include <deque>
#include <set>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace api_signage_detail {
inline error operator_refused(std::string vi, std::string en) {
  return error(errc::permission_denied, {}, "Người vận hành màn hình: " + std::move(vi), "Signage operator: " + std::move(en));
}
}  // namespace api_signage_detail

PBGDPL_DECL result<bool> api::content_approved(const playlist& p) {
  const auto at = now();
  std::optional<layout> lay;
  if (p.layout)
    if (auto l = db_.get<layout>(p.layout->value)) lay = std::move(*l);
  for (const auto& item : p.items) {
    // The zone rule of signage/publisher.hpp: no layout, or a zone the layout does not have, is legal.
    std::string zone_name = item.zone;
    if (zone_name.empty() && lay && !lay->zones.empty()) zone_name = lay->zones.front().name;
    const zone* z = lay ? find_zone(*lay, zone_name) : nullptr;
    if (z && !z->legal) continue;
    auto m = db_.get<media_asset>(item.media.value);
    if (!m) {
      if (m.err().code == errc::not_found) return false;
      return m.err();
    }
    store::list_query q;
    q.where.category = m->id.value;
    q.limit = 50;
    auto approvals = db_.list<approval_record>(q);
    if (!approvals) return approvals.err();
    bool ok = false;
    for (const auto& a : approvals->items)
      if (a.content_blake2b == m->blake2b && !a.signature.empty() && is_within_validity(a, at) &&
          (a.use == approval_use::signage_school || a.use == approval_use::signage_public)) {
        ok = true;
        break;
      }
    if (!ok) return false;
  }
  return true;
}

PBGDPL_DECL result<bool> api::operates_group(const http::principal& who, const display_group_id& g) {
  // The group and those below it (children file their parent in `category`), bounded.
  std::deque<std::string> todo{g.value};
  std::set<std::string> seen;
  while (!todo.empty()) {
    auto id = std::move(todo.front());
    todo.pop_front();
    if (!seen.insert(id).second) continue;
    if (seen.size() > 1000)
      return error(errc::too_large, "/group", "Nhóm màn hình có quá nhiều nhóm con", "The display group has too many groups below it");
    for (bool displays : {true, false}) {
      store::list_query q;
      q.where.category = id;
      q.limit = 100;
      for (;;) {
        if (displays) {
          auto p = db_.list<display>(q);
          if (!p) return p.err();
          for (const auto& d : p->items)
            if (!d.operator_account || d.operator_account->value != who.id) return false;
          if (p->next_cursor.empty()) break;
          q.cursor = p->next_cursor;
        } else {
          auto p = db_.list<display_group>(q);
          if (!p) return p.err();
          for (const auto& c : p->items) todo.push_back(c.id.value);
          if (p->next_cursor.empty()) break;
          q.cursor = p->next_cursor;
        }
      }
    }
  }
  return true;
}

template <class T>
result<void> api::signage_write(const http::principal& who, const T& v, const T* current) {
  using namespace api_signage_detail;
  const std::string kind(store::entity_traits<T>::kind);
  auto ask = [&](const std::string& action, const std::string& unit) -> result<void> {
    if (!opt_.authorize)
      return error(errc::permission_denied, {}, "Máy chủ này không cho phép ghi qua API", "This server does not accept writes");
    return opt_.authorize(who, action, unit);
  };
  // The units the write touches: the record's now and after (a schedule entry's: its group's).
  std::vector<std::string> units;
  auto unit_of = [&](const T& x) -> result<std::string> {
    if constexpr (std::is_same_v<T, schedule_entry>) {
      auto g = db_.get<display_group>(x.group.value);
      if (!g) {
        if (g.err().code == errc::not_found)
          return error(errc::invalid_argument, "/group", "Không có nhóm màn hình " + x.group.value, "No display group " + x.group.value);
        return g.err();
      }
      return g->unit.value;
    } else {
      return api_detail::owner_unit(x);
    }
  };
  for (const T* x : {&v, current}) {
    if (!x) continue;
    auto u = unit_of(*x);
    if (!u) return u.err();
    if (std::find(units.begin(), units.end(), *u) == units.end()) units.push_back(std::move(*u));
  }
  // A caller who may schedule only approved content there is a signage operator (a business).
  auto operator_at = [&](const std::string& unit) {
    return !ask("schedule:" + kind, unit) && ask("schedule-approved:" + kind, unit).has_value();
  };
  if constexpr (std::is_same_v<T, display> || std::is_same_v<T, display_group> || std::is_same_v<T, layout>) {
    for (const auto& u : units)
      if (auto ok = ask("manage:" + kind, u); !ok) return ok;
    if constexpr (std::is_same_v<T, display>) {
      if (std::any_of(units.begin(), units.end(), operator_at)) {
        auto mine = [&](const display& d) { return d.operator_account && d.operator_account->value == who.id; };
        if (!mine(v) || (current && !mine(*current)))
          return operator_refused("chỉ quản lý màn hình do chính mình vận hành (operator_account)",
                                  "manages only the displays it operates (operator_account)");
        if (v.operated_by != operator_kind::business)
          return operator_refused("chỉ vận hành màn hình của doanh nghiệp (operated_by: business)",
                                  "runs only business-operated displays (operated_by: business)");
      }
    } else if constexpr (std::is_same_v<T, display_group>) {
      if (current && std::any_of(units.begin(), units.end(), operator_at)) {
        auto ok = operates_group(who, current->id);
        if (!ok) return ok.err();
        if (!*ok)
          return operator_refused("nhóm này có màn hình của đơn vị vận hành khác", "this group holds displays another operator runs");
      }
    }
    return {};
  } else {
    // Playlists and schedule entries: is what would play approved? (for an entry: its playlist)
    auto approved_of = [&](const T& x) -> result<bool> {
      if constexpr (std::is_same_v<T, playlist>) {
        return content_approved(x);
      } else {
        auto p = db_.get<playlist>(x.playlist.value);
        if (!p) {
          if (p.err().code == errc::not_found)
            return error(errc::invalid_argument, "/playlist", "Không có danh sách phát " + x.playlist.value,
                         "No playlist " + x.playlist.value);
          return p.err();
        }
        return content_approved(*p);
      }
    };
    auto approved = approved_of(v);
    if (!approved) return approved.err();
    const std::string action = (*approved ? "schedule-approved:" : "schedule:") + kind;
    for (const auto& u : units)
      if (auto ok = ask(action, u); !ok) {
        if (!*approved && ask("schedule-approved:" + kind, u))
          return operator_refused("chỉ đưa lên màn hình nội dung đã được phê duyệt: mọi mục trong vùng pháp luật cần phê duyệt còn hiệu lực",
                                  "schedules only approved content: every item in a legal zone needs a valid approval");
        return ok;
      }
    if (!*approved || !std::any_of(units.begin(), units.end(), operator_at)) return {};
    // An operator: only on groups whose every display it runs.
    std::vector<display_group_id> groups;
    if constexpr (std::is_same_v<T, schedule_entry>) {
      groups.push_back(v.group);
      if (current && current->group != v.group) groups.push_back(current->group);
    } else if (current) {
      // A playlist plays wherever an entry names it: changing it changes those screens.
      store::list_query q;
      q.where.kind = current->id.value;
      q.limit = 100;
      for (;;) {
        auto p = db_.list<schedule_entry>(q);
        if (!p) return p.err();
        for (const auto& e : p->items) groups.push_back(e.group);
        if (p->next_cursor.empty() || groups.size() > 1000) break;
        q.cursor = p->next_cursor;
      }
    }
    for (const auto& g : groups) {
      auto ok = operates_group(who, g);
      if (!ok) return ok.err();
      if (!*ok)
        return operator_refused("nhóm " + g.value + " có màn hình của đơn vị vận hành khác",
                                "group " + g.value + " holds displays another operator runs");
    }
    return {};
  }
}

PBGDPL_DECL void api::signage_routes() {
  using namespace api_detail;
  if (opt_.signage) {
    auto svc = opt_.signage;
    routes_->post("/v1/signage/enrol", [svc](http::request& req) { return svc->enrol(req); });
    routes_->get("/v1/signage/manifest", [svc](http::request& req) { return svc->manifest(req); });
    routes_->get("/v1/signage/content/{blake2b}", [svc](http::request& req) { return svc->content(req); });
    routes_->post("/v1/signage/plays", [svc](http::request& req) { return svc->plays(req); });
    routes_->post("/v1/signage/heartbeat", [svc](http::request& req) { return svc->heartbeat(req); });
  }
  // An administrator binds the code a screen shows to a display, or revokes a device, from a
  // script or an installer's tool (the editor's "Màn hình" screen does the same with a form): a
  // login or API key with manage_displays on the display's unit.
  routes_->post("/v1/signage/enrolments/authorise", [this](http::request& req) {
    if (auto limited = write_limiter_.check(req)) return std::move(*limited);
    auto caller = writer(req);
    if (!caller) return error_json(caller.err());
    if (auto refused = api_detail::not_json(req)) return std::move(*refused);
    auto body = trust::parse_json_unique_keys(req.message().body());
    if (!body || !body->is_object()) return error_json(error(errc::parse_error, {}, "Thân yêu cầu phải là một đối tượng JSON", "The body must be a JSON object"));
    auto text = [&](const char* k) -> std::string {
      auto it = body->find(k);
      return it != body->end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    auto code = text("code"), display_name = text("display");
    if (code.empty()) return error_json(error(errc::missing_field, "/code", "Thiếu mã hiển thị trên màn hình", "The code shown on the screen is missing"));
    if (display_name.empty()) return error_json(error(errc::missing_field, "/display", "Thiếu màn hình", "The display is missing"));
    auto d = db_.get<display>(display_name);
    if (!d) {
      if (d.err().code == errc::not_found)
        return error_json(error(errc::invalid_argument, "/display", "Không có màn hình " + display_name, "No display " + display_name));
      return error_json(d.err());
    }
    if (!opt_.authorize)
      return error_json(error(errc::permission_denied, {}, "Máy chủ này không cho phép ghi qua API", "This server does not accept writes"));
    // The same rule as writing the display: manage_displays at its unit, and a signage operator
    // (a business) only for a display it operates itself (red team F1: an operator bound its own
    // device to a school's screen).
    if (auto ok = signage_write<display>(caller->who, *d, &*d); !ok) return error_json(ok.err());
    auto typed = signage::normalise_enrolment_code(code);
    if (!typed) return error_json(error(errc::invalid_argument, "/code", "Mã không hợp lệ", "Not a valid code"));
    auto e = signage::authorise(db_, *typed, d->id, account_id{caller->who.id}, now());
    if (!e) return error_json(e.err());
    auto r = http::response::json({{"state", "authorised"}, {"device", e->id.value}, {"display", d->id.value}});
    r.set("Cache-Control", "no-store");
    return r;
  });
  routes_->post("/v1/signage/enrolments/{id}/revoke", [this](http::request& req) {
    if (auto limited = write_limiter_.check(req)) return std::move(*limited);
    auto caller = writer(req);
    if (!caller) return error_json(caller.err());
    auto e = db_.get<display_enrolment>(std::string(req.param("id")));
    if (!e) return error_json(e.err());
    if (!opt_.authorize)
      return error_json(error(errc::permission_denied, {}, "Máy chủ này không cho phép ghi qua API", "This server does not accept writes"));
    // A device bound to a display is revoked by whoever manages that display's unit; a pending one
    // (no display yet) by anyone who manages displays at the portal's default unit.
    std::string unit = opt_.default_unit;
    std::optional<display> bound;
    if (e->display)
      if (auto d = db_.get<display>(e->display->value)) bound = std::move(*d);
    if (bound) {
      if (auto ok = signage_write<display>(caller->who, *bound, &*bound); !ok) return error_json(ok.err());
    } else if (auto ok = opt_.authorize(caller->who, "schedule:display", unit); !ok) {
      // A pending device: only someone who runs the portal unit's screens fully (not an operator).
      return error_json(ok.err());
    }
    auto done = signage::revoke(db_, e->id, account_id{caller->who.id}, now());
    if (!done) return error_json(done.err());
    auto r = http::response::json({{"state", "revoked"}, {"device", done->id.value}});
    r.set("Cache-Control", "no-store");
    return r;
  });
  // Plays per content, display, unit and local day: for the unit's people (read:play_record).
  routes_->get("/v1/signage/plays", [this](http::request& req) {
    auto caller = identify(req);
    if (!caller) return error_json(caller.err());
    if (!*caller)
      return error_json(error(errc::unauthenticated, {}, "Cần đăng nhập hoặc khóa API (Authorization: Bearer ...)",
                              "A login or an API key is required (Authorization: Bearer ...)"));
    const std::string unit(req.query("unit").value_or(""));
    if (unit.empty()) return error_json(error(errc::missing_field, "/unit", "Cần chọn đơn vị (unit=...)", "A unit is required (unit=...)"));
    date bounds[2]{};
    const char* names[2] = {"from", "to"};
    for (int i = 0; i < 2; ++i) {
      auto v = req.query(names[i]);
      if (!v || v->empty())
        return error_json(error(errc::missing_field, std::string("/") + names[i], std::string("Cần ngày ") + names[i] + "=YYYY-MM-DD",
                                std::string("A date is required: ") + names[i] + "=YYYY-MM-DD"));
      auto d = parse_date(*v);
      if (!d) {
        auto e = d.err();
        e.path = std::string("/") + names[i];
        return error_json(e);
      }
      bounds[i] = *d;
    }
    if (!opt_.authorize)
      return error_json(error(errc::permission_denied, {}, "Máy chủ này không cho phép xem lượt phát", "This server does not show plays"));
    if (auto ok = opt_.authorize((*caller)->who, "read:play_record", unit); !ok) return error_json(ok.err());
    auto counts = signage::aggregate_plays(db_, unit_id{unit}, bounds[0], bounds[1]);
    if (!counts) return error_json(counts.err());
    json items = json::array();
    std::uint64_t plays = 0, seconds = 0;
    for (const auto& c : *counts) {
      items.push_back({{"day", format_date(c.day)}, {"unit", c.unit}, {"display", c.display}, {"media", c.media},
                       {"blake2b", c.blake2b}, {"plays", c.plays}, {"seconds", c.seconds}});
      plays += c.plays;
      seconds += c.seconds;
    }
    auto r = http::response::json({{"unit", unit}, {"from", format_date(bounds[0])}, {"to", format_date(bounds[1])},
                                   {"plays", plays}, {"seconds", seconds}, {"items", std::move(items)}});
    r.set("Cache-Control", "private, no-store");
    return r;
  });
}

PBGDPL_DECL void api::signage_openapi(json& paths, const json& list_params, const json& id_param, const json& key_only,
                                      const json& read_responses) {
  for (const char* c : {"play-records", "display-status"}) {
    std::string base = std::string("/api/v1/") + c;
    paths[base] = {{"get", {{"summary", std::string("List ") + c + " (the unit's people: read right)"},
                            {"parameters", list_params}, {"security", key_only}, {"responses", read_responses}}}};
    paths[base + "/{id}"] = {{"get", {{"summary", std::string("One of ") + c}, {"parameters", id_param},
                                      {"security", key_only}, {"responses", read_responses}}}};
  }
  const json device_security = json::array({{{"deviceSignature", json::array()}}});
  json device_responses = read_responses;
  for (auto [code, what] : {std::pair{"202", "Enrolment pending: the code to show"}, std::pair{"204", "Heartbeat kept"},
                            std::pair{"206", "The range asked for"}, std::pair{"304", "The manifest the device holds is current"},
                            std::pair{"403", "The device is revoked or not yet authorised: {state}"},
                            std::pair{"409", "Proof of play: the chain has a gap or a fork: {expected_seq}"},
                            std::pair{"413", "Too large (a body, or a whole file: ask in ranges)"},
                            std::pair{"416", "The range lies outside the file"},
                            std::pair{"422", "A bad key, a forged play line, a snapshot that is not a PNG"},
                            std::pair{"429", "Too many new enrolments from this client"}})
    device_responses[code] = {{"description", what}};
  json device{{"description", "Signed by the device's key: X-Pbgdpl-Device (its key id), X-Pbgdpl-Time (unix seconds, within "
                              "15 minutes of the server's Date), X-Pbgdpl-Signature (base64 Ed25519 over BLAKE2b-512 of "
                              "\"pbgdpl-device/1\\n\" METHOD \"\\n\" TARGET \"\\n\" TIME \"\\n\" hex BLAKE2b-256 of the body). 401: "
                              "not signed or wrongly signed; 403 {\"state\": \"revoked\"|\"pending\"}."}};
  paths["/api/v1/signage/enrol"] = {
      {"post", {{"summary", "A display device asks to enrol: {public_key (minisign .pub), name, width, height}"},
                {"description", "202 {state: pending, code: \"7KQ-M4P\"} for a new or pending key (the screen shows the code, an "
                                "administrator types it); 200 {state: authorised, display, authority, authority_public_key}; "
                                "403 {state: revoked}; 429 when a client enrols too many new keys."},
                // Before enrolment a device has no key the server knows: nobody signs this one.
                {"security", json::array({json::object()})}, {"responses", device_responses}}}};
  paths["/api/v1/signage/manifest"] = {
      {"get", {{"summary", "The device's signed manifest {manifest, signature}, with an ETag (If-None-Match: 304)"},
               {"description", device["description"]}, {"security", device_security}, {"responses", device_responses}}}};
  paths["/api/v1/signage/content/{blake2b}"] = {
      {"get", {{"summary", "Bytes of content in the device's current manifest; Range: bytes=a-b gives 206 (416 outside the file)"},
               {"description", device["description"]}, {"security", device_security},
               {"parameters", json::array({{{"name", "blake2b"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}})},
               {"responses", device_responses}}}};
  paths["/api/v1/signage/plays"] = {
      {"post", {{"summary", "Proof of play: {lines: [signed, hash-chained lines]} -> {accepted_through}; 409 {expected_seq} on a gap"},
                {"description", device["description"]}, {"security", device_security}, {"responses", device_responses}}},
      {"get", {{"summary", "Plays per content, display, unit and day: unit, from, to (YYYY-MM-DD, at most 366 days)"},
               {"parameters", json::array({{{"name", "unit"}, {"in", "query"}, {"required", true}, {"schema", {{"type", "string"}}}},
                                           {{"name", "from"}, {"in", "query"}, {"required", true}, {"schema", {{"type", "string"}}}},
                                           {{"name", "to"}, {"in", "query"}, {"required", true}, {"schema", {{"type", "string"}}}}})},
               {"security", key_only}, {"responses", read_responses}}}};
  // What an administrator does with a device that asked to enrol (manage_displays at the display's unit).
  json write_responses = read_responses;
  write_responses["403"] = {{"description", "Not allowed for this display's unit (permission_denied)"},
                            {"content", read_responses["400"]["content"]}};
  write_responses["415"] = {{"description", "The body is not JSON"}, {"content", read_responses["400"]["content"]}};
  write_responses["429"] = {{"description", "Too many writes from this client: Retry-After"},
                            {"content", read_responses["400"]["content"]}};
  const json str{{"type", "string"}};
  paths["/api/v1/signage/enrolments/authorise"] = {
      {"post", {{"summary", "Bind the code a screen shows to a display: {code, display} -> {state: authorised, device, display}"},
                {"security", key_only},
                {"requestBody", {{"required", true},
                                 {"content", {{"application/json",
                                               {{"schema", {{"type", "object"}, {"required", json::array({"code", "display"})},
                                                            {"properties", {{"code", str}, {"display", str}}}}}}}}}}},
                {"responses", write_responses}}}};
  paths["/api/v1/signage/enrolments/{id}/revoke"] = {
      {"post", {{"summary", "Revoke an enrolled or pending device: -> {state: revoked, device}"},
                {"parameters", id_param}, {"security", key_only}, {"responses", write_responses}}}};
  paths["/api/v1/signage/heartbeat"] = {
      {"post", {{"summary", "Heartbeat: {status, manifest_sequence, inventory, free_bytes, faults, snapshot_png} -> 204"},
                {"description", device["description"]}, {"security", device_security}, {"responses", device_responses}}}};
}

}  // namespace portal
PBGDPL_NAMESPACE_END
