// Choosing the TD1 text the check digits accept (mrz_reader.h).

#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <queue>
#include <string_view>
#include <unordered_set>

#include "kiosk/idcard/mrz.h"
#include "kiosk/mrz/mrz_reader.h"

namespace kiosk::mrz {
namespace {

// A candidate character and its cost: its rank among the recognizer's
// choices (0 = best), so costs compare across recognizers.
struct Option {
  char c;
  int cost;
};
using Options = std::vector<Option>;

constexpr int kMissing = 3;  // a character the recognizer did not propose

char AsDigit(char c) {
  if (c >= '0' && c <= '9') return c;
  switch (c) {
    case 'O':
    case 'Q':
    case 'D':
    case 'U':
      return '0';
    case 'I':
    case 'L':
    case 'T':
    case 'J':
      return '1';
    case 'Z':
      return '2';
    case 'A':
      return '4';
    case 'S':
      return '5';
    case 'G':
    case 'b':
      return '6';
    case 'B':
      return '8';
    default:
      return 0;
  }
}

char AsLetterOrFiller(char c) {
  if ((c >= 'A' && c <= 'Z') || c == '<') return c;
  switch (c) {
    case '0':
      return 'O';
    case '1':
      return 'I';
    case '2':
      return 'Z';
    case '4':
      return 'A';
    case '5':
      return 'S';
    case '6':
      return 'G';
    case '8':
      return 'B';
    default:
      return 0;
  }
}

char AsSex(char c) {
  if (c == 'M' || c == 'F' || c == '<') return c;
  if (c == 'N' || c == 'H') return 'M';
  if (c == 'E' || c == 'P') return 'F';
  return 0;
}

// The options a position allows, best first, each character once.
Options Allowed(const std::vector<Choice>& choices, char (*map)(char), char fallback) {
  Options out;
  int rank = 0;
  for (const auto& choice : choices) {
    const char c = map(choice.c);
    if (c && std::none_of(out.begin(), out.end(), [&](const Option& o) { return o.c == c; })) {
      out.push_back({c, rank});
    }
    ++rank;
  }
  if (out.empty()) out.push_back({fallback, kMissing});
  return out;
}

// Every digit, each with the cost the options give it (kMissing if absent).
Options AllDigits(const Options& options) {
  Options out;
  for (char d = '0'; d <= '9'; ++d) {
    int cost = kMissing;
    for (const auto& o : options) {
      if (o.c == d) cost = std::min(cost, o.cost);
    }
    out.push_back({d, cost});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Option& a, const Option& b) { return a.cost < b.cost; });
  return out;
}

bool CheckDigitHolds(std::string_view field, char check) {
  auto digit = idcard::MrzCheckDigit(field);
  return digit && check == static_cast<char>('0' + *digit);
}

struct Variant {
  std::string text;
  int cost;
};

// Every assignment of `positions` that `valid` accepts and that costs at
// most kMaxCost: best-first over substitutions. All of them, not only those
// near the cheapest, since a later check (the composite check digit) may
// strike the cheapest out and what was near it must still be seen.
// `complete` is false when the search ran out of budget first: then nothing
// is sure.
struct Variants {
  std::vector<Variant> found;
  bool complete = true;
};
// Beyond a few second choices, a "reading" is a guess that happens to
// satisfy the check digits; and when another key is almost as likely,
// neither is trusted: the next frame is read instead.
constexpr int kMaxCost = 4;
constexpr int kMargin = 2;
constexpr int kMostUnsure = 3;  // of a date's seven places

Variants Cheapest(const std::vector<Options>& positions,
                  const std::function<bool(const std::string&)>& valid, int budget = 6000) {
  // A state: the option index chosen at each position, one byte each.
  using State = std::string;
  auto cost_of = [&](const State& s) {
    int cost = 0;
    for (std::size_t i = 0; i < s.size(); ++i)
      cost += positions[i][static_cast<std::uint8_t>(s[i])].cost;
    return cost;
  };
  auto text_of = [&](const State& s) {
    std::string t;
    for (std::size_t i = 0; i < s.size(); ++i) t += positions[i][static_cast<std::uint8_t>(s[i])].c;
    return t;
  };
  using Entry = std::pair<int, State>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> open;
  std::unordered_set<State> seen;
  State start(positions.size(), '\0');
  open.push({cost_of(start), start});
  seen.insert(start);
  Variants out;
  while (!open.empty()) {
    if (budget-- <= 0) {
      out.complete = false;
      break;
    }
    auto [cost, state] = open.top();
    open.pop();
    if (cost > kMaxCost) break;
    const std::string text = text_of(state);
    if (valid(text)) out.found.push_back({text, cost});
    for (std::size_t i = 0; i < state.size(); ++i) {
      if (static_cast<std::uint8_t>(state[i]) + 1u >= positions[i].size()) continue;
      State next = state;
      ++next[i];
      if (seen.insert(next).second) open.push({cost_of(next), next});
    }
  }
  return out;
}

// Line 3, the name: SURNAME<<GIVEN<NAMES, then fillers to the end. Each
// position takes its best letter or filler; then the filler rule mends what
// a recognizer makes of '<' ("KK", "GGGG"): from the end, every position
// where '<' was among the choices is a filler until one where it was not;
// and with no "<<" in the name, the first two neighbours after the surname's
// first letters that both had '<' among their choices are the separator.
std::string NameLine(const Reading& reading) {
  constexpr int kFirst = 60, kLength = 30;
  std::string line;
  std::vector<bool> could_be_filler;
  for (int p = kFirst; p < kFirst + kLength; ++p) {
    const auto& choices = reading[static_cast<std::size_t>(p)];
    line += Allowed(choices, AsLetterOrFiller, '<').front().c;
    could_be_filler.push_back(
        std::any_of(choices.begin(), choices.end(), [](const Choice& c) { return c.c == '<'; }));
  }
  for (std::size_t i = line.size(); i > 0 && (line[i - 1] == '<' || could_be_filler[i - 1]); --i) {
    line[i - 1] = '<';
  }
  // Inside the name, a letter '<' is often read as (K, C, G, X) when the
  // recognizer's next choice was '<'.
  for (int p = 0; p < kLength; ++p) {
    const auto& choices = reading[static_cast<std::size_t>(kFirst + p)];
    if (choices.size() >= 2 && choices[1].c == '<' &&
        std::string_view("KCGX").find(choices[0].c) != std::string_view::npos) {
      line[static_cast<std::size_t>(p)] = '<';
    }
  }
  const auto end = line.find_last_not_of('<');
  if (end != std::string::npos && line.find("<<") > end) {
    for (std::size_t i = 2; i + 1 < end; ++i) {
      if ((line[i] == '<' || could_be_filler[i]) &&
          (line[i + 1] == '<' || could_be_filler[i + 1])) {
        line[i] = line[i + 1] = '<';
        break;
      }
    }
  }
  return line;
}

// Where every CCCD's TD1 prints the same character.
constexpr std::string_view kLine1Fixed = "IDVNM";
constexpr int kFixedNeeded = 17;  // of 21

int FixedCharactersSeen(const Reading& reading) {
  auto seen = [&](int p, char c) {
    const auto& choices = reading[static_cast<std::size_t>(p)];
    return std::any_of(choices.begin(), choices.end(), [&](const Choice& x) {
      return x.c == c || (c == 'V' && x.c == 'Y') || (c == 'M' && x.c == 'H');
    });
  };
  int count = 0;
  for (int i = 0; i < 5; ++i) count += seen(i, kLine1Fixed[static_cast<std::size_t>(i)]);
  count += seen(27, '<') + seen(28, '<');
  count += seen(45, 'V') + seen(46, 'N') + seen(47, 'M');
  for (int p = 48; p <= 58; ++p) count += seen(p, '<');
  return count;
}

// The personal ID number's structure (Thông tư 07/2016/TT-BCA): the
// province of birth registration (001-096), then a digit for sex and
// century (0/1 for men/women born in the 1900s, 2/3 in the 2000s), then the
// year of birth's last two digits (checked against the birth date by the
// caller), then six digits. Two copies of a misreading (the ID and the
// document number are the same digits) can pass every check digit; a
// province or a century that cannot be does not.
bool IdStructureHolds(std::string_view id) {
  if (id.size() != 12) return false;
  const int province = (id[0] - '0') * 100 + (id[1] - '0') * 10 + (id[2] - '0');
  return province >= 1 && province <= 96 && id[3] >= '0' && id[3] <= '3';
}

// Whether a card valid to `expiry` (YYMMDD and its check digit) was issued
// to someone born `birth` under the law's renewal ages: a CCCD (Luật Căn
// cước công dân 2014, art. 21) and a Căn cước (Luật Căn cước 2023, art. 21)
// are renewed on the 14th (Căn cước only), 25th, 40th and 60th birthdays,
// and are valid until that birthday.
bool IsRenewalBirthday(const std::string& birth, const std::string& expiry) {
  if (birth.size() < 6 || expiry.size() < 6 || birth.substr(2, 4) != expiry.substr(2, 4)) {
    return false;
  }
  const int born = (birth[0] - '0') * 10 + (birth[1] - '0');
  const int until = (expiry[0] - '0') * 10 + (expiry[1] - '0');
  const int age = (until - born + 100) % 100;
  return age == 14 || age == 25 || age == 40 || age == 60;
}

}  // namespace

core::Expected<std::string> ChooseTd1(const Reading& reading) {
  if (reading.size() != 90) {
    return core::Error::NeedsPerson("mrz.unreadable", "the MRZ does not have 90 characters");
  }
  const auto unreadable = [] {
    return core::Error::NeedsPerson("mrz.unreadable",
                                    "no reading of the MRZ passes its check digits");
  };
  // The characters every CCCD has in the same places ("IDVNM", the "<<"
  // after the ID, "VNM" and the fillers of line 2) must mostly be what was
  // read there: otherwise the grid is off (a line shifted, a line taken from
  // other text) and check digits alone would let a guess through.
  if (FixedCharactersSeen(reading) < kFixedNeeded) {
    return core::Error::NeedsPerson("mrz.unreadable", "the MRZ's fixed characters are not there");
  }
  auto digits = [&](int p) { return Allowed(reading[static_cast<std::size_t>(p)], AsDigit, '0'); };
  // A check digit is taken as read: only the digits the recognizer proposed
  // there (a data digit may be corrected by it, never the other way round,
  // or any misreading would "pass" with a check digit computed to fit).
  auto as_read = [&](int p) {
    Options read = Allowed(reading[static_cast<std::size_t>(p)], AsDigit, '0');
    std::erase_if(read, [](const Option& o) { return o.cost >= kMissing; });
    if (read.size() > 4) read.resize(4);
    return read;
  };
  const Options doc_check = as_read(14), id_check = as_read(29), birth_check = as_read(36),
                expiry_check = as_read(44), composite = as_read(59);
  if (doc_check.empty() || id_check.empty() || birth_check.empty() || expiry_check.empty() ||
      composite.empty()) {
    return unreadable();
  }

  // The ID (positions 15-26) and the document number (5-13) = its last nine
  // digits: one set of twelve digits, seen twice for nine of them.
  // A digit of the nine seen twice is one that at least one copy proposed:
  // the copies may disagree, and the check digits say which is right.
  std::vector<Options> id_group;
  for (int i = 0; i < 3; ++i) {
    Options o = as_read(15 + i);
    if (o.empty()) return unreadable();
    id_group.push_back(o);
  }
  for (int i = 0; i < 9; ++i) {
    const Options doc = AllDigits(digits(5 + i));
    const Options id = AllDigits(digits(18 + i));
    Options merged;
    for (const auto& d : doc) {
      const int id_cost =
          std::find_if(id.begin(), id.end(), [&](const Option& o) { return o.c == d.c; })->cost;
      if (std::min(d.cost, id_cost) >= kMissing) continue;
      merged.push_back({d.c, d.cost + id_cost});
    }
    if (merged.empty()) return unreadable();
    std::stable_sort(merged.begin(), merged.end(),
                     [](const Option& a, const Option& b) { return a.cost < b.cost; });
    if (merged.size() > 4) merged.resize(4);
    id_group.push_back(merged);
  }
  id_group.push_back(doc_check);
  id_group.push_back(id_check);
  for (auto& options : id_group) {
    if (options.size() > 4) options.resize(4);
  }
  const auto ids = Cheapest(id_group, [](const std::string& t) {
    const std::string id = t.substr(0, 12);
    return IdStructureHolds(id) && CheckDigitHolds(id.substr(3), t[12]) &&
           CheckDigitHolds(id + "<<", t[13]);
  });

  // A date has no second copy: its digits are only what was read (a digit
  // nobody proposed would be a guess its check digit happens to accept).
  auto date_group = [&](int first, const Options& check) {
    std::vector<Options> group;
    for (int i = 0; i < 6; ++i) {
      Options o = as_read(first + i);
      if (o.empty()) return Variants{};
      group.push_back(o);
    }
    group.push_back(check);
    // A date the recognizer was unsure of in most places is not read: its
    // check digit cannot tell the same misreading made twice (two digits
    // three places apart share a weight) from the truth. A month or day
    // digit whose first choice is also the other date's there is sure
    // enough: a card valid to a renewal birthday prints them twice.
    const int other = first == 30 ? 38 : 30;
    auto seen_twice = [&](int i) {
      return i >= 2 && i <= 5 &&
             reading[static_cast<std::size_t>(first + i)].front().c ==
                 reading[static_cast<std::size_t>(other + i)].front().c;
    };
    int unsure = 0;
    for (int i = 0; i < 7; ++i) {
      if (group[static_cast<std::size_t>(i)].size() > 1 && !seen_twice(i)) ++unsure;
    }
    if (unsure > kMostUnsure) {
      Variants none;
      none.complete = false;
      return none;
    }
    return Cheapest(group, [](const std::string& t) {
      const int month = (t[2] - '0') * 10 + (t[3] - '0');
      const int day = (t[4] - '0') * 10 + (t[5] - '0');
      return month >= 1 && month <= 12 && day >= 1 && day <= 31 &&
             CheckDigitHolds(t.substr(0, 6), t[6]);
    });
  };
  const auto births = date_group(30, birth_check);
  const auto expiries = date_group(38, expiry_check);
  if (!ids.complete || !births.complete || !expiries.complete) {
    return core::Error::NeedsPerson("mrz.unreadable", "too many readings of the MRZ are possible");
  }
  if (ids.found.empty() || births.found.empty() || expiries.found.empty()) return unreadable();

  // Every combination the composite check digit accepts, by cost.
  struct Candidate {
    std::string key;  // lines 1 and 2 without the sex: what the chip's key is made of
    std::string text;
    int cost;
    bool renewal_date;  // the expiry is a birthday the law renews cards on
  };
  std::vector<Candidate> candidates;
  for (const auto& id : ids.found) {
    for (const auto& birth : births.found) {
      // The ID's fifth and sixth digits are the year of birth.
      if (id.text.compare(4, 2, birth.text, 0, 2) != 0) continue;
      for (const auto& expiry : expiries.found) {
        const std::string line1 = "IDVNM" + id.text.substr(3, 9) + id.text[12] +
                                  id.text.substr(0, 12) + "<<" + id.text[13];
        const std::string covered =
            line1.substr(5) + birth.text + expiry.text + std::string(11, '<');
        auto digit = idcard::MrzCheckDigit(covered);
        if (!digit) continue;
        // The composite check digit, as read, must be the one these fields give.
        const char c = static_cast<char>('0' + *digit);
        const auto read = std::find_if(composite.begin(), composite.end(),
                                       [&](const Option& o) { return o.c == c; });
        if (read == composite.end()) continue;
        const char sex = Allowed(reading[37], AsSex, '<').front().c;
        candidates.push_back({line1 + birth.text + expiry.text,
                              line1 + birth.text + sex + expiry.text + "VNM" +
                                  std::string(11, '<') + c + NameLine(reading),
                              id.cost + birth.cost + expiry.cost + read->cost,
                              IsRenewalBirthday(birth.text, expiry.text)});
      }
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.cost < b.cost; });
  if (candidates.empty() || candidates.front().cost > kMaxCost) return unreadable();
  // Readings almost as likely as the best with another key: the law's
  // renewal birthdays may still tell them apart (the day and month of birth
  // are printed twice, once in each date), when exactly one key among them
  // has its expiry on such a birthday. Otherwise neither is trusted.
  std::vector<const Candidate*> near;
  for (const auto& candidate : candidates) {
    if (candidate.cost > candidates.front().cost + kMargin) break;
    near.push_back(&candidate);
  }
  const Candidate* chosen = near.front();
  auto one_key = [](const std::vector<const Candidate*>& list) {
    return std::all_of(list.begin(), list.end(),
                       [&](const Candidate* c) { return c->key == list.front()->key; });
  };
  if (!one_key(near)) {
    std::vector<const Candidate*> renewal;
    std::copy_if(near.begin(), near.end(), std::back_inserter(renewal),
                 [](const Candidate* c) { return c->renewal_date; });
    if (renewal.empty() || !one_key(renewal)) {
      return core::Error::NeedsPerson("mrz.unreadable", "two readings of the MRZ are as likely");
    }
    chosen = renewal.front();
  }
  const std::string best = chosen->text;
  if (!idcard::ParseTd1(best)) return unreadable();
  return best;
}

core::Expected<std::string> CorrectTd1Text(std::string_view text) {
  std::vector<std::string> lines;
  std::string current;
  auto flush = [&] {
    if (current.size() >= 20) lines.push_back(current);
    current.clear();
  };
  for (char raw : text) {
    if (raw == '\n' || raw == '\r') {
      flush();
      continue;
    }
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '<') current += c;
  }
  flush();
  std::string all;
  if (lines.size() >= 3) {
    for (std::size_t i = lines.size() - 3; i < lines.size(); ++i) {
      std::string line = lines[i].substr(0, 30);
      line.resize(30, '<');
      all += line;
    }
  } else {
    for (const auto& line : lines) all += line;
    if (all.size() < 90) {
      return core::Error::NeedsPerson("mrz.unreadable", "too few MRZ characters");
    }
    all.resize(90);
  }
  Reading reading;
  for (char c : all) reading.push_back({Choice{c, 0}});
  return ChooseTd1(reading);
}

}  // namespace kiosk::mrz
