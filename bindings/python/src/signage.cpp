// The signage scheduler from Python: what a screen plays at an instant, a day's timeline and the
// playlist item at an instant, in a display's time zone (Asia/Ho_Chi_Minh by default: UTC+7, no
// daylight saving). Schedules and playlists cross as dicts or model objects; instants as UTC
// epoch seconds (pbgdpl/signage.py turns them into aware datetimes).
#include "py_common.hpp"
#include "reports_common.hpp"

#include <pbgdpl/reports/templates.hpp>
#include <pbgdpl/signage/scheduler.hpp>

#include <set>

namespace pbgdpl::python {

namespace {

// A list of dicts/model objects decoded as T, each error's path under "/<what>/<i>".
template <class T>
std::vector<T> list_arg(py::handle o, const std::string& what) {
  json j = from_py(o);
  if (!j.is_array())
    raise(error(errc::wrong_type, "/" + what, "Cần một danh sách", "Expected a list"));
  std::vector<T> out;
  out.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    auto r = from_json_value<T>(j[i]);
    if (!r) {
      auto e = r.err();
      e.path = "/" + what + "/" + std::to_string(i) + e.path;
      for (auto& d : e.details) d.path = "/" + what + "/" + std::to_string(i) + d.path;
      raise(e);
    }
    out.push_back(std::move(*r));
  }
  return out;
}

signage::time_zone zone_arg(const std::string& name) {
  if (name == "Asia/Ho_Chi_Minh") return signage::time_zone::vietnam();
  signage::time_zone z;
  {
    result<signage::time_zone> r = [&] {
      gil_released nogil;
      return signage::time_zone::locate(name);
    }();
    z = unwrap(std::move(r));
  }
  return z;
}

// The schedule: every entry must name a playlist that is given (else nothing could play it).
signage::schedule_set set_arg(py::handle entries, py::handle playlists) {
  signage::schedule_set s;
  s.entries = list_arg<schedule_entry>(entries, "entries");
  for (auto& p : list_arg<playlist>(playlists, "playlists")) {
    auto id = p.id.value;
    s.playlists.emplace(std::move(id), std::move(p));
  }
  std::set<std::string> ids;
  for (std::size_t i = 0; i < s.entries.size(); ++i) {
    const auto& e = s.entries[i];
    if (!s.playlists.count(e.playlist.value))
      raise(error(errc::not_found, "/entries/" + std::to_string(i) + "/playlist",
                  "Lịch phát nêu danh sách phát không có: \"" + e.playlist.value + "\"",
                  "The schedule entry names a playlist that is not given: \"" + e.playlist.value + "\""));
    if (!ids.insert(e.id.value).second)
      raise(error(errc::already_exists, "/entries/" + std::to_string(i) + "/id",
                  "Hai mục lịch trùng mã \"" + e.id.value + "\"", "Two schedule entries share the id \"" + e.id.value + "\""));
  }
  return s;
}

std::int64_t secs(timestamp t) { return t.time_since_epoch().count(); }

py::dict slot_to_py(const signage::slot& s) {
  py::dict d;
  d["start"] = secs(s.start);
  d["end"] = secs(s.end);
  d["entry"] = s.entry;
  d["playlist"] = s.playlist;
  d["emergency"] = s.emergency;
  d["fallback"] = s.fallback;
  d["priority"] = s.priority;
  return d;
}

}  // namespace

void register_signage(py::module_& m) {
  m.def(
      "signage_timeline",
      [](py::handle entries, py::handle playlists, py::handle day, const std::string& zone) {
        auto s = set_arg(entries, playlists);
        auto z = zone_arg(zone);
        auto d = date_arg(day, "/day");
        std::vector<signage::slot> out;
        {
          gil_released nogil;
          out = signage::timeline(s, z, d);
        }
        py::list l;
        for (const auto& x : out) l.append(slot_to_py(x));
        return l;
      },
      py::arg("entries"), py::arg("playlists"), py::arg("day"), py::arg("time_zone") = "Asia/Ho_Chi_Minh",
      "A local day's slots (what plays when), in order, merged when adjacent: list of dicts start, end "
      "(UTC epoch seconds), entry, playlist, emergency, fallback, priority. ValidationError for a bad "
      "entry or playlist, NotFoundError for an entry naming a playlist not given or an unknown zone.");
  m.def(
      "signage_what_plays",
      [](py::handle entries, py::handle playlists, py::handle at, const std::string& zone) -> py::object {
        auto s = set_arg(entries, playlists);
        auto z = zone_arg(zone);
        auto t = timestamp_arg(at, "/at");
        std::optional<signage::slot> r;
        {
          gil_released nogil;
          r = signage::what_plays(s, z, t);
        }
        if (!r) return py::none();
        return slot_to_py(*r);
      },
      py::arg("entries"), py::arg("playlists"), py::arg("at"), py::arg("time_zone") = "Asia/Ho_Chi_Minh",
      "The slot that wins at an instant (its contiguous run around it), or None when nothing plays.");
  m.def(
      "signage_item_at",
      [](py::handle p, py::handle slot_start, py::handle at) -> py::object {
        auto pl = decode_arg<playlist>(p);
        auto r = signage::item_at(pl, timestamp_arg(slot_start, "/slot_start"), timestamp_arg(at, "/at"));
        if (!r) return py::none();
        py::dict d;
        d["index"] = r->index;
        d["start"] = secs(r->start);
        d["end"] = secs(r->end);
        return d;
      },
      py::arg("playlist"), py::arg("slot_start"), py::arg("at"),
      "Which item of a playlist plays at `at` when it loops from slot_start: dict index, start, end (UTC "
      "epoch seconds), or None before the slot or for an empty playlist.");
  m.def(
      "signage_schedule_for",
      [](py::handle d, py::handle groups, py::handle entries, py::handle playlists) {
        auto disp = decode_arg<display>(d);
        auto gs = list_arg<display_group>(groups, "groups");
        auto es = list_arg<schedule_entry>(entries, "entries");
        auto ps = list_arg<playlist>(playlists, "playlists");
        auto s = signage::schedule_for(disp, gs, es, ps);
        py::dict out;
        py::list le, lp;
        for (const auto& e : s.entries) le.append(to_py(to_json_value(e)));
        for (const auto& [id, p] : s.playlists) lp.append(to_py(to_json_value(p)));
        out["entries"] = le;
        out["playlists"] = lp;
        return out;
      },
      py::arg("display"), py::arg("groups"), py::arg("entries"), py::arg("playlists"),
      "What a display may play: the entries of its group and the groups above it (cycle-safe) and the "
      "playlists they name: dict with 'entries' and 'playlists' (lists of dicts).");
  m.def(
      "signage_display_schedule",
      [](const store_handle& h, const std::string& display_id) {
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        signage::schedule_set s;
        std::string zone;
        error err;
        {
          gil_released nogil;
          [&] {
            auto d = db.get<display>(display_id);
            if (!d) return void(err = d.err());
            zone = d->time_zone;
            auto gs = reports::list_all<display_group>(db, {}, 100000);
            if (!gs) return void(err = gs.err());
            auto es = reports::list_all<schedule_entry>(db, {}, 100000);
            if (!es) return void(err = es.err());
            auto ps = reports::list_all<playlist>(db, {}, 100000);
            if (!ps) return void(err = ps.err());
            s = signage::schedule_for(*d, *gs, *es, *ps);
          }();
        }
        if (err.code != errc::ok) raise(err);
        py::dict out;
        py::list le, lp;
        for (const auto& e : s.entries) le.append(to_py(to_json_value(e)));
        for (const auto& [id, p] : s.playlists) lp.append(to_py(to_json_value(p)));
        out["entries"] = le;
        out["playlists"] = lp;
        out["time_zone"] = zone;
        return out;
      },
      py::arg("store"), py::arg("display"),
      "The schedule of a stored display (signage_schedule_for over the store's groups, entries and "
      "playlists) and its time zone: dict entries, playlists, time_zone.");
}

}  // namespace pbgdpl::python
