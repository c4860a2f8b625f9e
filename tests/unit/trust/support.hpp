// Helpers shared by the trust tests: scratch directories under the build tree, file I/O and
// running the real command-line tools (minisign, b2sum, xxhsum) the library must agree with.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace trust_test {
namespace fs = std::filesystem;

inline fs::path scratch(const std::string& name) {
  fs::path p = fs::path(PBGDPL_BINARY_DIR) / "test-tmp" / "trust" / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

inline void write(const fs::path& p, const std::string& s) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << s;
}

inline std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::string quote(const fs::path& p) {
  std::string s = "'";
  for (char c : p.string()) s += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return s + "'";
}

// Runs a shell command; returns its exit status (-1 if it did not exit normally).
inline int run(const std::string& cmd) {
  int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// Runs a command and returns its standard output.
inline std::string output(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

// Deterministic pseudo-random bytes, so a failing test can be replayed.
inline std::string noise(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  unsigned x = seed * 2654435761u + 1;
  for (auto& c : s) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    c = static_cast<char>(x & 0xFF);
  }
  return s;
}
}  // namespace trust_test

#include <chrono>
#include <csignal>
#include <optional>
#include <thread>
#include <unistd.h>

namespace trust_test {
// Runs `fn` in a forked child and returns its exit status, or nullopt when it did not finish
// within `limit` (the child is then killed). A test of "this must not hang" thus fails instead of
// hanging CTest. `fn` returns a small int (e.g. static_cast<int>(errc)); it must not use doctest.
template <class Fn>
std::optional<int> within(std::chrono::milliseconds limit, Fn fn) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) {
    int code = 255;
    try {
      code = fn();
    } catch (...) {
    }
    ::_exit(code);
  }
  auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? std::optional<int>(WEXITSTATUS(status)) : std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}
}  // namespace trust_test
