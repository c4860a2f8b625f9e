#include <pbgdpl/trust/minisign.hpp>

#include <doctest/doctest.h>

#include "support.hpp"

using namespace pbgdpl;
using namespace trust_test;

namespace {
const std::string minisign = "minisign";

trust::signature must_parse(const std::string& text) {
  auto s = trust::signature::parse(text);
  if (!s) FAIL(s.err().describe());
  return *s;
}
}  // namespace

TEST_CASE("what the library signs, minisign -V verifies (prehashed, also with -H)") {
  auto dir = scratch("ms_lib_to_tool");
  auto key = trust::secret_key::generate();
  write(dir / "key.pub", key.public_part().to_file());
  write(dir / "doc.txt", "Kế hoạch 19/KH-PGDĐT\n" + noise(70000, 5));
  auto sig = trust::sign_file(key, dir / "doc.txt", "approval:test\tfile:doc.txt");
  REQUIRE(sig);
  write(dir / "doc.txt.minisig", sig->to_text());
  CHECK(run(minisign + " -Vm " + quote(dir / "doc.txt") + " -p " + quote(dir / "key.pub")) == 0);
  CHECK(run(minisign + " -VHm " + quote(dir / "doc.txt") + " -p " + quote(dir / "key.pub")) == 0);
  CHECK(output(minisign + " -VQm " + quote(dir / "doc.txt") + " -p " + quote(dir / "key.pub")) ==
        "approval:test\tfile:doc.txt\n");
  // The stock tool also refuses what it should: altered content.
  write(dir / "doc.txt", "Kế hoạch 20/KH-PGDĐT\n" + noise(70000, 5));
  CHECK(run(minisign + " -Vm " + quote(dir / "doc.txt") + " -p " + quote(dir / "key.pub")) != 0);
}

TEST_CASE("minisign reads the library's unencrypted and encrypted secret keys") {
  auto dir = scratch("ms_lib_keys_to_tool");
  auto key = trust::secret_key::generate();
  write(dir / "key.pub", key.public_part().to_file());
  write(dir / "plain.key", key.to_file());
  write(dir / "enc.key", key.to_file("mật khẩu 123", trust::kdf_limits::interactive()));
  write(dir / "f", noise(1000, 6));
  CHECK(run(minisign + " -S -W -s " + quote(dir / "plain.key") + " -m " + quote(dir / "f") + " -x " +
            quote(dir / "f.plain.minisig")) == 0);
  CHECK(run("printf '%s\\n' 'mật khẩu 123' | " + minisign + " -S -s " + quote(dir / "enc.key") + " -m " +
            quote(dir / "f") + " -x " + quote(dir / "f.enc.minisig")) == 0);
  CHECK(run("printf '%s\\n' 'wrong' | " + minisign + " -S -s " + quote(dir / "enc.key") + " -m " + quote(dir / "f") +
            " -x " + quote(dir / "f.bad.minisig")) != 0);
  auto content = read(dir / "f");
  for (auto name : {"f.plain.minisig", "f.enc.minisig"}) {
    CAPTURE(name);
    auto s = must_parse(read(dir / name));
    CHECK(s.algorithm == trust::signature_algorithm::prehashed);
    CHECK(trust::verify(key.public_part(), s, content).has_value());
    CHECK(trust::verify_file(key.public_part(), s, dir / "f").has_value());
  }
  // And minisign -R recreates the same public key from the library's secret key.
  CHECK(run(minisign + " -R -W -s " + quote(dir / "plain.key") + " -p " + quote(dir / "re.pub")) == 0);
  auto re = trust::public_key::parse(read(dir / "re.pub"));
  REQUIRE(re);
  CHECK(*re == key.public_part());
}

TEST_CASE("what minisign signs with a -W key, the library verifies, and its keys load") {
  auto dir = scratch("ms_tool_to_lib");
  REQUIRE(run(minisign + " -G -W -p " + quote(dir / "t.pub") + " -s " + quote(dir / "t.key")) == 0);
  write(dir / "video.bin", noise(300000, 7));
  REQUIRE(run(minisign + " -S -W -s " + quote(dir / "t.key") + " -m " + quote(dir / "video.bin") +
              " -t 'bundle:demo'") == 0);
  auto pk = trust::public_key::parse(read(dir / "t.pub"));
  REQUIRE(pk);
  auto sig = must_parse(read(dir / "video.bin.minisig"));
  CHECK(sig.trusted_comment == "bundle:demo");
  CHECK(trust::verify_file(*pk, sig, dir / "video.bin").has_value());
  CHECK(trust::verify(*pk, sig, read(dir / "video.bin")).has_value());

  // The same key, read by the library, signs what minisign then verifies.
  auto sk = trust::secret_key::parse(read(dir / "t.key"));
  REQUIRE(sk);
  CHECK(sk->public_part() == *pk);
  write(dir / "other.txt", "khác");
  write(dir / "other.txt.minisig", trust::sign(*sk, "khác", "x").to_text());
  CHECK(run(minisign + " -Vm " + quote(dir / "other.txt") + " -p " + quote(dir / "t.pub")) == 0);
  // The public key also parses from the bare base64 line, as `minisign -P` takes it.
  auto lines = read(dir / "t.pub");
  CHECK(trust::public_key::parse(lines.substr(lines.find('\n') + 1)).has_value());
}

TEST_CASE("legacy Ed signatures from minisign -l verify unless legacy is refused") {
  auto dir = scratch("ms_legacy");
  REQUIRE(run(minisign + " -G -W -p " + quote(dir / "t.pub") + " -s " + quote(dir / "t.key")) == 0);
  write(dir / "f", "nội dung cũ");
  REQUIRE(run(minisign + " -S -l -W -s " + quote(dir / "t.key") + " -m " + quote(dir / "f")) == 0);
  auto pk = *trust::public_key::parse(read(dir / "t.pub"));
  auto sig = must_parse(read(dir / "f.minisig"));
  CHECK(sig.algorithm == trust::signature_algorithm::legacy);
  CHECK(trust::verify(pk, sig, "nội dung cũ").has_value());
  CHECK(trust::verify_file(pk, sig, dir / "f").has_value());
  CHECK(trust::verify(pk, sig, "nội dung mới").err().code == errc::tampered);
  CHECK(trust::verify(pk, sig, "nội dung cũ", false).err().code == errc::bad_signature);
}

TEST_CASE("a password-protected key made by minisign -G opens with its password only") {
  auto dir = scratch("ms_tool_encrypted");
  // minisign reads the password from stdin when it is not a terminal; -G asks twice. The key is
  // scrypt-protected at minisign's SENSITIVE limits (1 GiB), so this test takes a few seconds.
  REQUIRE(run("printf 'hà nội\\nhà nội\\n' | " + minisign + " -G -p " + quote(dir / "e.pub") + " -s " +
              quote(dir / "e.key")) == 0);
  auto text = read(dir / "e.key");
  auto pk = *trust::public_key::parse(read(dir / "e.pub"));
  auto sk = trust::secret_key::parse(text, std::string_view("hà nội"));
  if (!sk) FAIL(sk.err().describe());
  CHECK(sk->public_part() == pk);
  auto wrong = trust::secret_key::parse(text, std::string_view("ha noi"));
  REQUIRE_FALSE(wrong);
  CHECK(wrong.err().code == errc::bad_key);
  CHECK(trust::secret_key::parse(text).err().code == errc::bad_key);  // no password given
  trust::kdf_limits low = trust::kdf_limits::interactive();
  CHECK(trust::secret_key::parse(text, std::string_view("hà nội"), low).err().code == errc::bad_key);  // over ceiling
}

TEST_CASE("the library's own key files round-trip, encrypted or not") {
  auto key = trust::secret_key::generate();
  auto plain = trust::secret_key::parse(key.to_file());
  REQUIRE(plain);
  CHECK(plain->public_part() == key.public_part());
  auto enc_text = key.to_file("pw", trust::kdf_limits::interactive());
  CHECK(enc_text != key.to_file("pw", trust::kdf_limits::interactive()));  // fresh salt each time
  auto enc = trust::secret_key::parse(enc_text, std::string_view("pw"));
  REQUIRE(enc);
  CHECK(enc->public_part() == key.public_part());
  CHECK(trust::secret_key::parse(enc_text, std::string_view("pW")).err().code == errc::bad_key);
  CHECK(key.public_part().to_file().starts_with("untrusted comment: minisign public key " + key.id().hex() + "\n"));
  CHECK(*trust::key_id::from_hex(key.id().hex()) == key.id());
}

TEST_CASE("tamper corpus: every broken signature is refused with the right code") {
  auto key = trust::secret_key::generate();
  auto pk = key.public_part();
  const std::string content = "Video pháp luật: " + noise(5000, 9);
  auto sig = trust::sign(key, content, "timestamp:1700000000\tfile:video.mp4\thashed");
  const std::string good = sig.to_text();
  REQUIRE(trust::verify(pk, must_parse(good), content).has_value());

  SUBCASE("truncated at every length") {
    for (std::size_t n = 0; n < good.size() - 1; ++n) {
      auto s = trust::signature::parse(good.substr(0, n));
      if (s) {
        // Dropping the final newline alone keeps it valid; anything shorter must fail verification.
        CHECK(trust::verify(pk, *s, content).has_value() == (n + 1 == good.size()));
      }
    }
  }
  SUBCASE("padded and re-encoded") {
    auto lines = pbgdpl::trust::detail::lines(good);
    REQUIRE(lines.size() == 4);
    auto join = [](std::vector<std::string> v) {
      std::string s;
      for (auto& l : v) s += l + "\n";
      return s;
    };
    std::vector<std::string> l(lines.begin(), lines.end());
    auto with = [&](std::size_t i, std::string v) {
      auto c = l;
      c[i] = std::move(v);
      return join(c);
    };
    std::string urlsafe = l[1];
    for (auto& c : urlsafe) c = c == '+' ? '-' : c == '/' ? '_' : c;
    std::string unpadded = l[3];
    while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
    std::vector<std::string> corpus = {
        good + "extra line\n",
        with(1, l[1] + "A"),
        with(1, l[1] + "===="),
        with(1, " " + l[1]),
        with(1, l[1].substr(0, 40) + "\n" + l[1].substr(40)),
        with(3, unpadded),
        with(3, l[3] + " "),
        with(0, "comment without prefix"),
        with(2, "comment: without trusted prefix"),
        with(2, "trusted comment: " + std::string(9000, 'x')),
        join({l[0], l[2], l[1], l[3]}),
        "",
        std::string(100000, 'A'),
    };
    if (urlsafe != l[1]) corpus.push_back(with(1, urlsafe));
    for (auto& bad : corpus) {
      CAPTURE(bad.substr(0, 200));
      auto s = trust::signature::parse(bad);
      CHECK_FALSE(s.has_value());
      if (!s) CHECK(s.err().code == errc::bad_signature);
    }
  }
  SUBCASE("flipped bits in the content are tampering") {
    for (std::size_t i : {std::size_t{0}, content.size() / 2, content.size() - 1}) {
      auto c = content;
      c[i] = static_cast<char>(c[i] ^ 0x01);
      CHECK(trust::verify(pk, sig, c).err().code == errc::tampered);
    }
  }
  SUBCASE("flipped bits in the signature or the trusted comment are bad signatures") {
    for (std::size_t i = 0; i < 64; i += 7) {
      auto s = sig;
      s.sig[i] ^= 0x80;
      CHECK(trust::verify(pk, s, content).err().code == errc::bad_signature);
      s = sig;
      s.global_sig[i] ^= 0x01;
      CHECK(trust::verify(pk, s, content).err().code == errc::bad_signature);
    }
    auto s = sig;
    s.trusted_comment = "timestamp:1700000000\tfile:other.mp4\thashed";
    CHECK(trust::verify(pk, s, content).err().code == errc::bad_signature);
    s = must_parse(good);
    s.algorithm = trust::signature_algorithm::legacy;  // downgrade the algorithm byte
    CHECK_FALSE(trust::verify(pk, s, content).has_value());
  }
  SUBCASE("a valid signature from another key is refused") {
    auto other = trust::secret_key::generate();
    auto theirs = trust::sign(other, content, "timestamp:1700000000\tfile:video.mp4\thashed");
    CHECK(trust::verify(pk, theirs, content).err().code == errc::unknown_key);
    theirs.id = key.id();  // borrowing our key id does not help
    CHECK(trust::verify(pk, theirs, content).err().code == errc::bad_signature);
  }
  SUBCASE("broken key files are refused") {
    auto pub = pk.to_file();
    CHECK(trust::public_key::parse(pub.substr(0, pub.size() - 5)).err().code == errc::bad_key);
    CHECK(trust::public_key::parse("").err().code == errc::bad_key);
    CHECK(trust::public_key::parse(pub + "more\n").err().code == errc::bad_key);
    auto sk = key.to_file();
    CHECK(trust::secret_key::parse(sk.substr(0, sk.size() - 9)).err().code == errc::bad_key);
    auto flipped = sk;
    flipped[flipped.find('\n') + 100] ^= 0x01;
    CHECK_FALSE(trust::secret_key::parse(flipped).has_value());
  }
}

TEST_CASE("comments minisign cannot read back are refused when signing: line breaks and NUL") {
  auto key = trust::secret_key::generate();
  using namespace std::string_literals;
  for (const auto& bad : {"a\nb"s, "a\rb"s, "a\0b"s, "\0"s}) {
    CAPTURE(bad.size());
    auto tc = catch_result([&] { return trust::sign(key, "x", bad, "ok"); });
    CHECK(tc.err().code == errc::invalid_argument);
    auto uc = catch_result([&] { return trust::sign(key, "x", "ok", bad); });
    CHECK(uc.err().code == errc::invalid_argument);
  }
  auto good = trust::sign(key, "x", "timestamp:1\tfile:a b.txt\thashed", "c");
  CHECK(trust::verify(key.public_part(), good, "x").has_value());
}
