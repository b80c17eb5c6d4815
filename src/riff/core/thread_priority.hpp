#pragma once
// CPU priority of the calling thread, for background work (event batches,
// learning, index upkeep) that must yield to interactive requests.

namespace riff {

/// The nice steps riff's background work takes. Only for threads that hold
/// no lock an interactive request waits for: a low-priority thread preempted
/// while holding one makes every waiter wait as long (priority inversion).
inline constexpr int kBackgroundNice = 10;

/// Lowers the calling thread's CPU priority by `nice` steps (Linux: the
/// thread's nice value; 10 gives it about a tenth of the CPU share of a
/// normal thread when both want a core). A thread can lower its priority
/// without privileges but not raise it again, so call this only on threads
/// that do background work for good. Returns false when the OS refused.
bool lower_this_thread_priority(int nice);

}  // namespace riff
