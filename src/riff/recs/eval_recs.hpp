#pragma once
// `riffd eval-recs`: offline evaluation of the For You model on
// user-item lists (Gowalla as prepared for LightGCN), beside MF-BPR and
// EASE in the same harness. The riff model learns through Model::learn(),
// the path the server's event stream takes.

#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace riff::recs {

struct EvalRecsOptions {
  std::string train_path;
  std::string test_path;
  std::string model = "riff";  // riff | bpr | ease
  int epochs = 30;
  int dim = 64;
  int threads = 2;
  int k = 20;
  /// Evaluate after every this many epochs as well as at the end (0: only at the end).
  int eval_every = 0;
  std::uint64_t seed = 42;
  // riff
  float learning_rate = 0.05f;
  float l2 = 0.0f;
  int negatives = 256;
  int batch_size = 512;
  float margin = 0.7f;
  float negative_weight = 20.0f;
  float init_stddev = 0.1f;
  float taste_weight = 0.0f;
  int taste_window = 50;
  // bpr
  float bpr_learning_rate = 0.05f;
  float bpr_l2 = 3e-3f;
  // ease
  float ease_lambda = 500.0f;
  int ease_min_count = 1;
};

/// Adds the subcommand's flags to `cmd`, writing into `options`.
void add_eval_recs_flags(CLI::App& cmd, EvalRecsOptions& options);

/// Runs the evaluation and prints the figures; returns the process exit code.
int eval_recs_main(const EvalRecsOptions& options);

}  // namespace riff::recs
