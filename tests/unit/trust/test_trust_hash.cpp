#include <pbgdpl/trust/hash.hpp>

#include <doctest/doctest.h>

#include "support.hpp"

using namespace pbgdpl;
using namespace trust_test;

TEST_CASE("BLAKE2b of a file agrees with b2sum at 512 and 256 bits") {
  auto dir = scratch("hash_b2sum");
  auto f = dir / "data.bin";
  write(f, noise(3 * 1024 * 1024 + 17, 1));  // several buffers and a ragged tail
  auto d512 = trust::blake2b_file(f, 64);
  auto d256 = trust::blake2b_file(f, 32);
  REQUIRE(d512);
  REQUIRE(d256);
  CHECK(d512->size == 3 * 1024 * 1024 + 17);
  CHECK(output("b2sum " + quote(f)).substr(0, 128) == trust::to_hex(d512->digest));
  CHECK(output("b2sum -l 256 " + quote(f)).substr(0, 64) == trust::to_hex(d256->digest));
}

TEST_CASE("XXH3-128 of a file agrees with xxhsum -H2, and with the same bytes hashed at once") {
  auto dir = scratch("hash_xxh");
  auto f = dir / "data.bin";
  auto content = noise(2 * 1024 * 1024 + 5, 2);
  write(f, content);
  auto h = trust::xxh3_128_file(f);
  REQUIRE(h);
  CHECK(output("xxhsum -H2 " + quote(f)).substr(0, 32) == *h);
  CHECK(trust::xxh3_128{}.update(content).hex() == *h);
  CHECK(trust::xxh3_128{}.update(std::string_view(content).substr(1)).hex() != *h);
}

TEST_CASE("streaming BLAKE2b in pieces equals hashing at once") {
  auto content = noise(100000, 3);
  trust::blake2b h(64);
  for (std::size_t i = 0; i < content.size(); i += 777) h.update(std::string_view(content).substr(i, 777));
  auto streamed = h.final();
  auto once = trust::blake2b_512(content);
  CHECK(std::equal(once.begin(), once.end(), streamed.begin(), streamed.end()));
  CHECK(trust::blake2b_256(content) != trust::blake2b_256(content.substr(0, content.size() - 1)));
}

TEST_CASE("hex decoding refuses odd lengths and non-hex digits") {
  CHECK(trust::from_hex("0aFf").has_value());
  CHECK((*trust::from_hex("0aFf") == trust::bytes{0x0a, 0xff}));
  CHECK_FALSE(trust::from_hex("abc"));
  CHECK_FALSE(trust::from_hex("zz"));
}

TEST_CASE("streaming a file refuses links, missing files and directories") {
  auto dir = scratch("hash_refuse");
  write(dir / "real", "x");
  std::filesystem::create_symlink(dir / "real", dir / "link");
  trust::read_options no_links;
  no_links.refuse_symlinks = true;
  auto sink = [](std::span<const std::uint8_t>) {};
  CHECK(trust::stream_file(dir / "link", sink, no_links).err().code == errc::unsafe_path);
  CHECK(trust::stream_file(dir / "link", sink).has_value());
  CHECK(trust::stream_file(dir / "missing", sink).err().code == errc::not_found);
  CHECK(trust::stream_file(dir, sink).err().code == errc::unsafe_path);
  trust::read_options small;
  small.max_bytes = 0;
  CHECK(trust::stream_file(dir / "real", sink, small).err().code == errc::too_large);
}

TEST_CASE("progress is reported up to the file size") {
  auto dir = scratch("hash_progress");
  write(dir / "f", noise(2500000, 4));
  std::uint64_t last = 0, total = 0;
  int calls = 0;
  trust::read_options o;
  o.progress = [&](std::uint64_t d, std::uint64_t t) { last = d, total = t, ++calls; };
  REQUIRE(trust::blake2b_file(dir / "f", 32, o));
  CHECK(calls == static_cast<int>((2500000 + trust::stream_buffer_bytes - 1) / trust::stream_buffer_bytes));
  CHECK(last == 2500000);
  CHECK(total == 2500000);
}

TEST_CASE("a mapped file hashes to the same digests as a copied one, with progress to the end") {
  auto dir = scratch("hash_mapped");
  const std::size_t size = 2 * trust::map_window_bytes + 4097;  // two windows and a ragged page
  write(dir / "f", noise(size, 5));
  trust::read_options copied, mapped;
  mapped.map = true;
  std::uint64_t last = 0, total = 0;
  int calls = 0;
  mapped.progress = [&](std::uint64_t d, std::uint64_t t) { last = d, total = t, ++calls; };
  auto c = trust::blake2b_file(dir / "f", 64, copied);
  auto m = trust::blake2b_file(dir / "f", 64, mapped);
  REQUIRE(c);
  REQUIRE(m);
  CHECK(m->size == size);
  CHECK(m->digest == c->digest);
  CHECK(calls == 3);
  CHECK(last == size);
  CHECK(total == size);
  auto xc = trust::xxh3_128_file(dir / "f", copied), xm = trust::xxh3_128_file(dir / "f");
  REQUIRE(xc);
  REQUIRE(xm);
  CHECK(*xc == *xm);
  CHECK(output("xxhsum -H2 " + quote(dir / "f")).substr(0, 32) == *xm);
  write(dir / "empty", "");
  auto em = trust::xxh3_128_file(dir / "empty"), ec = trust::xxh3_128_file(dir / "empty", copied);
  REQUIRE(em);
  REQUIRE(ec);
  CHECK(*em == *ec);
  CHECK(*em != *xm);
}

TEST_CASE("a mapped read keeps the link refusal and the size cap") {
  auto dir = scratch("hash_mapped_refuse");
  write(dir / "real", noise(100000, 6));
  std::filesystem::create_symlink(dir / "real", dir / "link");
  trust::read_options o;
  o.map = true;
  o.refuse_symlinks = true;
  int calls = 0;
  auto sink = [&](std::span<const std::uint8_t>) { ++calls; };
  CHECK(trust::stream_file(dir / "link", sink, o).err().code == errc::unsafe_path);
  CHECK(trust::stream_file(dir, sink, o).err().code == errc::unsafe_path);
  o.max_bytes = 99999;
  CHECK(trust::stream_file(dir / "real", sink, o).err().code == errc::too_large);
  CHECK(calls == 0);
  o.max_bytes = 100000;
  auto n = trust::stream_file(dir / "real", sink, o);
  REQUIRE(n);
  CHECK(*n == 100000);
  CHECK(calls == 1);
}

TEST_CASE("a mapped read of a file that reports size 0 still reads its content") {
  // /proc files are regular but report size 0: nothing to map, so they are read() to the end.
  trust::read_options o;
  o.map = true;
  std::string via_map;
  auto n = trust::stream_file("/proc/self/status", [&](std::span<const std::uint8_t> b) { via_map.append(b.begin(), b.end()); }, o);
  REQUIRE(n);
  CHECK(*n > 0);
  CHECK(via_map.find("Name:") != std::string::npos);
}
