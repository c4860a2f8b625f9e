#include <pbgdpl/core/result.hpp>

#include <doctest/doctest.h>

#include <array>
#include <memory>
#include <string>

using namespace pbgdpl;

namespace {
// A value that says when it is destroyed: `alive` turns false when the object holding the flag
// (not a moved-from shell) goes away. Its items live inside it, so reading them after it died
// reads a destroyed object; the loops below only look at the flag.
struct tracked {
  std::array<int, 3> items{1, 2, 3};
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
  tracked() = default;
  tracked(tracked&&) = default;
  tracked& operator=(tracked&&) = default;
  tracked(const tracked&) = default;
  tracked& operator=(const tracked&) = default;
  ~tracked() {
    if (alive) *alive = false;
  }
};

result<tracked> make_tracked(std::shared_ptr<bool>& flag) {
  tracked t;
  flag = t.alive;
  return t;
}
}  // namespace

TEST_SUITE("core/result") {
  TEST_CASE("value() and operator* on a temporary result give the value itself, so a range-for over its member lives") {
    static_assert(std::is_same_v<decltype(std::declval<result<tracked>>().value()), tracked>);
    static_assert(std::is_same_v<decltype(*std::declval<result<tracked>>()), tracked>);
    static_assert(std::is_same_v<decltype(std::declval<result<tracked>&>().value()), tracked&>);
    static_assert(std::is_same_v<decltype(std::declval<const result<tracked>&>().value()), const tracked&>);

    std::shared_ptr<bool> flag;
    int turns = 0;
    for ([[maybe_unused]] auto& x : make_tracked(flag).value().items) {
      CHECK(*flag);  // the container iterated is still alive
      ++turns;
    }
    CHECK(turns == 3);
    CHECK_FALSE(*flag);  // and it is gone once the loop is done

    turns = 0;
    for ([[maybe_unused]] auto& x : (*make_tracked(flag)).items) {
      CHECK(*flag);
      ++turns;
    }
    CHECK(turns == 3);

    // A string moved out of a temporary result, read after the full-expression.
    auto&& s = result<std::string>(std::string(100, 'x')).value();
    CHECK(s == std::string(100, 'x'));
  }

  TEST_CASE("err() on a temporary result gives the error itself") {
    static_assert(std::is_same_v<decltype(std::declval<result<int>>().err()), error>);
    const auto& e = result<int>(error(errc::not_found, "/id", "Không có", "Missing")).err();
    CHECK(e.code == errc::not_found);
    CHECK(e.message_en == "Missing");
  }

  TEST_CASE("value() on an error throws the error, on lvalues and rvalues alike") {
    result<int> r(errc::conflict);
    CHECK_THROWS_AS(r.value(), exception);
    CHECK_THROWS_AS(result<int>(errc::conflict).value(), exception);
    CHECK(result<int>(7).value() == 7);
  }
}

TEST_CASE("default messages read right on a school site (issue 13): a field is not a school, text is not a legal document") {
  using pbgdpl::errc;
  CHECK(pbgdpl::errc_messages(errc::missing_field).first == "Thiếu thông tin bắt buộc");
  CHECK(pbgdpl::errc_messages(errc::invalid_utf8).first == "Nội dung không đúng mã UTF-8");
  for (int c = 0; c <= 99; ++c) {
    auto vi = std::string(pbgdpl::errc_messages(static_cast<errc>(c)).first);
    CAPTURE(vi);
    CHECK(vi.find("trường") == std::string::npos);
  }
}
