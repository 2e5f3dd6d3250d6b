// The journey's flow as data (kiosk-app/journey/flow.h): where each step
// leads, checked without running a journey.
#include "test_prelude.h"

#include <set>

#include "kiosk/journey/flow.h"
#include "kiosk/journey/journey.h"

using namespace kiosk::journey;  // NOLINT(google-build-using-namespace): test file

TEST_GROUP(Flow){};

TEST(Flow, EveryScreenIsReachedFromTheAttractScreen) {
  std::set<Screen> reached{Screen::kAttract};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& t : Flow()) {
      const bool from_reached = !t.from || reached.count(*t.from) != 0;
      if (from_reached && reached.insert(t.to).second) grew = true;
    }
  }
  for (const Screen s : kAllScreens) CHECK_TEXT(reached.count(s) != 0, ToString(s));
}

TEST(Flow, EveryScreenCanBeLeftForTheAttractScreen) {
  for (const Screen s : kAllScreens) {
    CHECK_TEXT(Destination(s, Step::kCancel) == Screen::kAttract, ToString(s));
  }
}

TEST(Flow, OneDestinationPerScreenAndStep) {
  std::set<std::pair<int, int>> seen;
  for (const auto& t : Flow()) {
    if (!t.from) continue;
    CHECK_TEXT(seen.insert({static_cast<int>(*t.from), static_cast<int>(t.step)}).second,
               (std::string(ToString(*t.from)) + " " + ToString(t.step)).c_str());
  }
}

TEST(Flow, BackAlwaysGoesToAnEarlierStepOfTheDossier) {
  for (const auto& t : Flow()) {
    if (t.step != Step::kBack && t.step != Step::kBackToPapers && t.step != Step::kBackToCounter) {
      continue;
    }
    CHECK_TEXT(StepOf(t.to) < StepOf(*t.from) || StepOf(t.to) == 0, ToString(*t.from));
  }
}

TEST(Flow, ForwardStepsOnTheDossierPathNeverGoBackwards) {
  for (const auto& t : Flow()) {
    if (!t.from || t.step == Step::kBack || t.step == Step::kBackToPapers ||
        t.step == Step::kBackToCounter || t.step == Step::kCancel || t.step == Step::kCardFailed ||
        t.step == Step::kSubmitFailed) {
      continue;
    }
    if (StepOf(*t.from) == 0 || StepOf(t.to) == 0) continue;
    CHECK_TEXT(StepOf(t.to) >= StepOf(*t.from),
               (std::string(ToString(*t.from)) + " " + ToString(t.step)).c_str());
  }
}

TEST(Flow, WhatTheTableDoesNotHaveGoesNowhere) {
  CHECK_FALSE(Destination(Screen::kAttract, Step::kConfirmed).has_value());
  CHECK_FALSE(Destination(Screen::kReceipt, Step::kBack).has_value());  // sealed: no way back
  CHECK_FALSE(Destination(Screen::kSubmitting, Step::kBack).has_value());
  CHECK(Destination(Screen::kFees, Step::kFeesSettled) == Screen::kConsent);
}
