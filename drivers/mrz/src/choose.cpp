// Choosing the TD1 text the check digits accept (mrz_reader.h).

#include <algorithm>
#include <cctype>
#include <map>
#include <queue>
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

// The cheapest assignments of `positions` that `valid` accepts: best-first
// over substitutions, a bounded number of expansions.
std::vector<Variant> Cheapest(const std::vector<Options>& positions,
                              const std::function<bool(const std::string&)>& valid,
                              std::size_t wanted = 4, int budget = 4000) {
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
  std::vector<Variant> found;
  while (!open.empty() && budget-- > 0 && found.size() < wanted) {
    auto [cost, state] = open.top();
    open.pop();
    const std::string text = text_of(state);
    if (valid(text)) found.push_back({text, cost});
    for (std::size_t i = 0; i < state.size(); ++i) {
      if (static_cast<std::uint8_t>(state[i]) + 1u >= positions[i].size()) continue;
      State next = state;
      ++next[i];
      if (seen.insert(next).second) open.push({cost_of(next), next});
    }
  }
  return found;
}

}  // namespace

core::Expected<std::string> ChooseTd1(const Reading& reading) {
  if (reading.size() != 90) {
    return core::Error::NeedsPerson("mrz.unreadable", "the MRZ does not have 90 characters");
  }
  auto digits = [&](int p) { return Allowed(reading[static_cast<std::size_t>(p)], AsDigit, '0'); };

  // The ID (positions 15-26) and the document number (5-13) = its last nine
  // digits: one set of twelve digits, seen twice for nine of them.
  std::vector<Options> id_group;
  for (int i = 0; i < 3; ++i) id_group.push_back(digits(15 + i));
  for (int i = 0; i < 9; ++i) {
    const Options doc = AllDigits(digits(5 + i));
    const Options id = AllDigits(digits(18 + i));
    Options merged;
    for (const auto& d : doc) {
      const int id_cost =
          std::find_if(id.begin(), id.end(), [&](const Option& o) { return o.c == d.c; })->cost;
      merged.push_back({d.c, d.cost + id_cost});
    }
    std::stable_sort(merged.begin(), merged.end(),
                     [](const Option& a, const Option& b) { return a.cost < b.cost; });
    merged.resize(4);
    id_group.push_back(merged);
  }
  id_group.push_back(AllDigits(digits(14)));
  id_group.push_back(AllDigits(digits(29)));
  for (auto& options : id_group) {
    if (options.size() > 4) options.resize(4);
  }
  const auto ids = Cheapest(id_group, [](const std::string& t) {
    const std::string id = t.substr(0, 12);
    return CheckDigitHolds(id.substr(3), t[12]) && CheckDigitHolds(id + "<<", t[13]);
  });

  auto date_group = [&](int first) {
    std::vector<Options> group;
    for (int i = 0; i < 7; ++i) {
      Options o = AllDigits(digits(first + i));
      o.resize(4);
      group.push_back(o);
    }
    return Cheapest(group, [](const std::string& t) {
      const int month = (t[2] - '0') * 10 + (t[3] - '0');
      const int day = (t[4] - '0') * 10 + (t[5] - '0');
      return month >= 1 && month <= 12 && day >= 1 && day <= 31 &&
             CheckDigitHolds(t.substr(0, 6), t[6]);
    });
  };
  const auto births = date_group(30);
  const auto expiries = date_group(38);
  if (ids.empty() || births.empty() || expiries.empty()) {
    return core::Error::NeedsPerson("mrz.unreadable",
                                    "no reading of the MRZ passes its check digits");
  }
  const Options composite = AllDigits(digits(59));

  std::string best;
  int best_cost = 1 << 30;
  for (const auto& id : ids) {
    for (const auto& birth : births) {
      for (const auto& expiry : expiries) {
        const std::string line1 = "IDVNM" + id.text.substr(3, 9) + id.text[12] +
                                  id.text.substr(0, 12) + "<<" + id.text[13];
        const std::string covered =
            line1.substr(5) + birth.text + expiry.text + std::string(11, '<');
        auto digit = idcard::MrzCheckDigit(covered);
        if (!digit) continue;
        const char c = static_cast<char>('0' + *digit);
        const int c_cost = std::find_if(composite.begin(), composite.end(), [&](const Option& o) {
                             return o.c == c;
                           })->cost;
        const int cost = id.cost + birth.cost + expiry.cost + c_cost;
        if (cost >= best_cost) continue;
        const char sex = Allowed(reading[37], AsSex, '<').front().c;
        std::string line3;
        for (int p = 60; p < 90; ++p) {
          line3 += Allowed(reading[static_cast<std::size_t>(p)], AsLetterOrFiller, '<').front().c;
        }
        best = line1 + birth.text + sex + expiry.text + "VNM" + std::string(11, '<') + c + line3;
        best_cost = cost;
      }
    }
  }
  // Beyond a few characters the recognizer did not propose, a "reading" is
  // a guess that happens to satisfy the check digits.
  constexpr int kMaxCost = 15;
  if (best.empty() || best_cost > kMaxCost || !idcard::ParseTd1(best)) {
    return core::Error::NeedsPerson("mrz.unreadable",
                                    "no reading of the MRZ passes its check digits");
  }
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
