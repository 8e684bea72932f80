// serve's StoreTurn: a stream's turn at its worker's store is held and let go as it says, lent
// out for a while and held again after (only when it was held), and the worker cannot take it
// while the stream holds it.
#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include "serve/store_turn.h"

namespace strata::serve {
namespace {

// Whether another thread could take the worker's turn right now.
bool free_for_worker(std::mutex& turn) {
  return std::async(std::launch::async, [&turn] {
           if (!turn.try_lock()) return false;
           turn.unlock();
           return true;
         }).get();
}

TEST(ServeStoreTurn, HoldsAndLetsGoOfTheWorkersTurn) {
  std::mutex worker_turn;
  {
    StoreTurn turn(&worker_turn);
    EXPECT_FALSE(turn.held());
    turn.hold();
    turn.hold();  // held already: no second lock (a std::mutex would deadlock)
    EXPECT_TRUE(turn.held());
    EXPECT_FALSE(free_for_worker(worker_turn));
    turn.release();
    EXPECT_TRUE(free_for_worker(worker_turn));
    EXPECT_TRUE(turn.try_hold());
    EXPECT_FALSE(free_for_worker(worker_turn));
  }
  EXPECT_TRUE(free_for_worker(worker_turn)) << "let go when the stream ends";
}

TEST(ServeStoreTurn, TryHoldFailsWhileTheWorkerHoldsIt) {
  std::mutex worker_turn;
  StoreTurn turn(&worker_turn);
  std::promise<void> held, done;
  auto worker = std::async(std::launch::async, [&] {
    const std::lock_guard lock(worker_turn);
    held.set_value();
    done.get_future().wait();
  });
  held.get_future().wait();
  EXPECT_FALSE(turn.try_hold());
  EXPECT_FALSE(turn.held());
  done.set_value();
  worker.get();
  EXPECT_TRUE(turn.try_hold());
}

TEST(ServeStoreTurn, LentOutIsHeldAgainAfterOnlyWhenItWasHeld) {
  std::mutex worker_turn;
  StoreTurn turn(&worker_turn);
  turn.hold();
  {
    const StoreLentOut lent(turn);
    EXPECT_FALSE(turn.held());
    EXPECT_TRUE(free_for_worker(worker_turn));
  }
  EXPECT_TRUE(turn.held());
  turn.release();
  {
    const StoreLentOut lent(turn);
    EXPECT_FALSE(turn.held());
  }
  EXPECT_FALSE(turn.held());
  EXPECT_TRUE(free_for_worker(worker_turn));
}

TEST(ServeStoreTurn, WithoutAWorkersTurnTheStoreIsTheStreamsOwn) {
  StoreTurn turn(nullptr);
  EXPECT_TRUE(turn.try_hold());
  turn.hold();
  EXPECT_TRUE(turn.held());
  turn.release();
  EXPECT_FALSE(turn.held());
}

}  // namespace
}  // namespace strata::serve
