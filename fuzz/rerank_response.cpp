// Target: a reranker's answer (search::parse_rerank_response), for a number of documents picked
// by the first byte. Checks: only Error(unavailable) escapes, one line naming the reranker; the
// scores are one per document, each finite or -infinity (a document the answer left out).
// Seeds include Cohere's, Jina's and TEI-style answers and one nested 200,000 levels deep.
#include <cmath>
#include <string>

#include "common/error.h"
#include "fuzz_util.h"
#include "search/reranker.h"

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::size_t documents = in.in_range(0, 64);
  try {
    const std::vector<double> scores = search::parse_rerank_response(in.rest(), documents);
    FUZZ_CHECK(scores.size() == documents, "not one score per document");
    for (const double s : scores) FUZZ_CHECK(std::isfinite(s) || s == -INFINITY, "a score that is NaN or +inf");
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ExitCode::unavailable, e.what());
    const std::string m = e.what();
    FUZZ_CHECK(m.rfind("the reranker: ", 0) == 0, "a message not naming the reranker: " + m);
    FUZZ_CHECK(m.find('\n') == std::string::npos, "a message of more than one line");
  }
  return 0;
}
