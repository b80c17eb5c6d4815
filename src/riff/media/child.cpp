#include "riff/media/child.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>

namespace riff::media {
namespace fs = std::filesystem;

namespace {

std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    fs::path candidate = fs::path(p.substr(start, end - start)) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return name;
}

}  // namespace

ChildRun run_child(const std::vector<std::string>& argv, const ChildLimits& limits,
                   const std::function<void(std::string_view)>& on_line,
                   const std::function<bool()>& cancelled) {
  ChildRun run;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return run;
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return run;
  }
  std::vector<std::string> args = argv;
  args[0] = resolve_program(args[0]);
  std::vector<char*> cargs;
  for (auto& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    // The child dies with riffd (a killed node leaves no orphan encoders).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    struct rlimit cpu {
      static_cast<rlim_t>(limits.cpu_seconds), static_cast<rlim_t>(limits.cpu_seconds + 5)
    };
    ::setrlimit(RLIMIT_CPU, &cpu);
    struct rlimit as {
      static_cast<rlim_t>(limits.address_space_bytes),
          static_cast<rlim_t>(limits.address_space_bytes)
    };
    ::setrlimit(RLIMIT_AS, &as);
    struct rlimit core {
      0, 0
    };
    ::setrlimit(RLIMIT_CORE, &core);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(cargs[0], cargs.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (pid < 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return run;
  }
  run.started = true;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(limits.wall_seconds);
  std::string line_buf;
  bool out_open = true, err_open = true, killed = false;
  char buf[16384];
  while (out_open || err_open) {
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int n = ::poll(fds, 2, 200);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      bool& open = i == 0 ? out_open : err_open;
      if (!open || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got <= 0) {
        if (got < 0 && errno == EINTR) continue;
        open = false;
        continue;
      }
      if (i == 0) {
        run.out.append(buf, static_cast<std::size_t>(got));
        line_buf.append(buf, static_cast<std::size_t>(got));
        std::size_t nl;
        while ((nl = line_buf.find('\n')) != std::string::npos) {
          if (on_line) on_line(std::string_view(line_buf).substr(0, nl));
          line_buf.erase(0, nl + 1);
        }
      } else {
        run.err_tail.append(buf, static_cast<std::size_t>(got));
        if (run.err_tail.size() > 8192) run.err_tail.erase(0, run.err_tail.size() - 4096);
      }
    }
    if (!killed && cancelled && cancelled()) {
      run.cancelled = true;
      ::kill(pid, SIGKILL);
      killed = true;
    }
    if (!killed && std::chrono::steady_clock::now() > deadline) {
      run.timed_out = true;
      ::kill(pid, SIGKILL);
      killed = true;
    }
  }
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
  return run;
}


JobResult run_job_in_child(const fs::path& riffd, const JobSpec& spec, const ChildLimits& limits,
                           const std::function<void(double)>& progress,
                           const std::function<bool()>& cancelled) {
  std::string result_line;
  auto on_line = [&](std::string_view line) {
    if (line.rfind("{\"result\"", 0) == 0) {
      result_line = line;
      return;
    }
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) return;
    if (const auto* p = v.as_object().if_contains("progress"); p && p->is_number()) {
      progress(p->to_number<double>());
    }
  };
  ChildRun run =
      run_child({riffd.string(), "media-job", "--spec", to_json(spec)}, limits, on_line, cancelled);
  if (!run.started) return crashed("cannot start " + riffd.string() + " media-job");
  if (run.cancelled) return crashed("cancelled: the node is stopping");
  if (run.timed_out) return crashed(fmt::format("time limit of {} s reached", limits.wall_seconds));
  if (run.signal != 0) {
    return crashed(fmt::format("media-job ended by signal {} ({})", run.signal,
                               run.signal == SIGXCPU ? "CPU limit" : strsignal(run.signal)));
  }
  auto result = result_from_json(result_line);
  if (!result) {
    std::string tail = run.err_tail;
    if (auto nl = tail.find_last_of('\n', tail.size() >= 2 ? tail.size() - 2 : 0);
        nl != std::string::npos)
      tail = tail.substr(nl + 1);
    return crashed(fmt::format("media-job exited with {} and no result: {}", run.exit_code, tail));
  }
  return *result;
}

}  // namespace riff::media
