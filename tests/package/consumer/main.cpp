// Uses the installed library through the umbrella header, as a vendor would. Given a plugin
// directory (argv[1]), it is also the host of the plugin built out of tree beside it
// (vendor_plugin.cpp): loads it through its manifest and calls it.
#include <pbgdpl/pbgdpl.hpp>

#include <cstdio>

namespace {

int host_the_vendor_plugin(const char* dir) {
  using namespace pbgdpl;
  plugin::host_options o;
  o.enabled = true;
  o.dirs = {dir};
  o.use_env_path = false;
  plugin::plugin_host host(o);
  auto n = plugin::open_notifier(host, "vendorplug", json{{"greeting", "Xin chào"}});
  if (!n) {
    std::fprintf(stderr, "the out-of-tree plugin did not load: %s\n", n.err().describe().c_str());
    return 10;
  }
  auto sent = (*n)->send("report.reminder", json{{"to", {"a@example.vn", "b@example.vn"}}});
  if (!sent || *sent != 2 || (*n)->name() != "vendor-mail") return 11;
  auto x = plugin::open_exporter(host, "vendorplug", json{{"greeting", "Xin chào"}});
  if (!x) return 12;
  store::record r;
  r.kind = "article";
  r.id = "a1";
  r.title = "Luật";
  auto text = (*x)->export_records("txt", {r});
  if (!text || *text != "Xin chào: article a1 Luật\n") return 13;
  std::printf("pbgdpl consumer hosted the out-of-tree plugin: %s", text->c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto folded = pbgdpl::text::fold("Kế hoạch Đào tạo");
  auto number = pbgdpl::parse_document_number("19/KH-PGDĐT");
  if (!folded || *folded != "ke hoach dao tao") return 1;
  if (!number || number->to_string() != "19/KH-PGDĐT") return 2;
  std::printf("pbgdpl %s consumer ok: %s\n", PBGDPL_VERSION_STRING, folded->c_str());
  if (argc > 1) return host_the_vendor_plugin(argv[1]);
  return 0;
}
