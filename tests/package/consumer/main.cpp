// Uses the installed library through the umbrella header, as a vendor would.
#include <pbgdpl/pbgdpl.hpp>

#include <cstdio>

int main() {
  auto folded = pbgdpl::text::fold("Kế hoạch Đào tạo");
  auto number = pbgdpl::parse_document_number("19/KH-PGDĐT");
  if (!folded || *folded != "ke hoach dao tao") return 1;
  if (!number || number->to_string() != "19/KH-PGDĐT") return 2;
  std::printf("pbgdpl %s consumer ok: %s\n", PBGDPL_VERSION_STRING, folded->c_str());
  return 0;
}
