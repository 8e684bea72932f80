#include "common/trace.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

namespace strata::trace {
namespace {

struct Recorder final : Sink {
  std::mutex mutex;
  std::vector<SpanData> spans;
  void record(SpanData span) override {
    const std::lock_guard lock(mutex);
    spans.push_back(std::move(span));
  }
};

// The sink is the process's: each test sets its own and clears it after.
struct Traced : ::testing::Test {
  std::shared_ptr<Recorder> recorder = std::make_shared<Recorder>();
  void SetUp() override { set_sink(recorder); }
  void TearDown() override { set_sink(nullptr); }
};

TEST(Trace, TraceparentRoundTripsAndRefusesWhatIsNotVersion00) {
  const auto c = parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->sampled);
  EXPECT_EQ(traceparent(*c), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  EXPECT_FALSE(parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00")->sampled);
  EXPECT_FALSE(parse_traceparent(""));
  EXPECT_FALSE(parse_traceparent("00-00000000000000000000000000000000-b7ad6b7169203331-01"));  // zero trace id
  EXPECT_FALSE(parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"));  // zero span id
  EXPECT_FALSE(parse_traceparent("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"));  // upper case
  EXPECT_FALSE(parse_traceparent("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
  EXPECT_FALSE(parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra"));
}

TEST(Trace, WithoutASinkNothingIsRecordedOrCurrent) {
  set_sink(nullptr);
  Span s = Span::start("x", Kind::internal, true);
  EXPECT_FALSE(s.active());
  EXPECT_FALSE(s.context().valid());
  const Stage stage("y");
  EXPECT_FALSE(current().valid());
}

TEST_F(Traced, ChildrenHangUnderTheCurrentSpanAndAStageOutsideATraceRecordsNothing) {
  {
    const Stage orphan("orphan");  // no request's trace: nothing
  }
  EXPECT_TRUE(recorder->spans.empty());
  const auto remote = parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  {
    Span root = Span::start_from("GET /x", Kind::server, remote);
    root.set("http.route", std::string("/x")).set("n", std::int64_t{3});
    const Scope in(root.context());
    {
      Stage child("child");
      // Work handed to another thread takes the context with it.
      std::thread([context = current()] {
        const Scope there(context);
        const Stage grandchild("on another thread");
      }).join();
      child.span().fail("it broke");
    }
  }
  EXPECT_FALSE(current().valid());
  ASSERT_EQ(recorder->spans.size(), 3u);
  const SpanData& grandchild = recorder->spans[0];
  const SpanData& child = recorder->spans[1];
  const SpanData& root = recorder->spans[2];
  EXPECT_EQ(root.context.trace_id, remote->trace_id);
  EXPECT_EQ(root.parent, remote->span_id);
  EXPECT_EQ(root.kind, Kind::server);
  ASSERT_EQ(root.attributes.size(), 2u);
  EXPECT_EQ(std::get<std::int64_t>(root.attributes[1].second), 3);
  EXPECT_EQ(child.context.trace_id, remote->trace_id);
  EXPECT_EQ(child.parent, root.context.span_id);
  EXPECT_EQ(child.error, "it broke");
  EXPECT_EQ(grandchild.parent, child.context.span_id);
  EXPECT_EQ(grandchild.name, "on another thread");
  EXPECT_LE(root.start, root.end);
}

TEST_F(Traced, AnUnsampledTraceRecordsNothingYetPassesItsIdsOn) {
  const auto remote = parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
  Span root = Span::start_from("GET /x", Kind::server, remote);
  EXPECT_FALSE(root.active());
  EXPECT_TRUE(root.context().valid());
  EXPECT_EQ(root.context().trace_id, remote->trace_id);
  EXPECT_FALSE(root.context().sampled);
  {
    const Scope in(root.context());
    const Stage child("child");
  }
  root.end();
  EXPECT_TRUE(recorder->spans.empty());
}

TEST_F(Traced, AMovedSpanEndsOnce) {
  Span a = Span::start("a", Kind::internal, true);
  Span b = std::move(a);
  EXPECT_FALSE(a.active());  // NOLINT(bugprone-use-after-move): moved from on purpose
  b.end();
  b.end();
  EXPECT_EQ(recorder->spans.size(), 1u);
}

}  // namespace
}  // namespace strata::trace
