#include "kiosk/input/suggest.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_set>

namespace kiosk::input {

namespace {

// Vietnamese letters by base: lower and upper case in the same order.
struct Family {
  char base;
  const char* lower;
  const char* upper;
};
const Family kFamilies[] = {
    {'a', "aàảãáạăằẳẵắặâầẩẫấậ", "AÀẢÃÁẠĂẰẲẴẮẶÂẦẨẪẤẬ"},
    {'d', "dđ", "DĐ"},
    {'e', "eèẻẽéẹêềểễếệ", "EÈẺẼÉẸÊỀỂỄẾỆ"},
    {'i', "iìỉĩíị", "IÌỈĨÍỊ"},
    {'o', "oòỏõóọôồổỗốộơờởỡớợ", "OÒỎÕÓỌÔỒỔỖỐỘƠỜỞỠỚỢ"},
    {'u', "uùủũúụưừửữứự", "UÙỦŨÚỤƯỪỬỮỨỰ"},
    {'y', "yỳỷỹýỵ", "YỲỶỸÝỴ"},
};

std::size_t LetterLength(unsigned char c) {
  return c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
}

// Splits UTF-8 into code points' byte strings.
std::vector<std::string> Letters(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = LetterLength(c);
    out.emplace_back(s.substr(i, std::min(n, s.size() - i)));
    i += n;
  }
  return out;
}

// Where a letter is in the families, without any table on the heap: the
// letter's base, and its lower and upper case forms.
struct Found {
  char base = 0;
  std::string_view lower, upper;
};

bool Find(std::string_view letter, Found& found) {
  for (const Family& f : kFamilies) {
    const std::string_view lo(f.lower);
    const std::string_view up(f.upper);
    for (std::size_t i = 0, j = 0; i < lo.size() && j < up.size();) {
      const std::size_t n = LetterLength(static_cast<unsigned char>(lo[i]));
      const std::size_t m = LetterLength(static_cast<unsigned char>(up[j]));
      const std::string_view l = lo.substr(i, n);
      const std::string_view u = up.substr(j, m);
      if (letter == l || letter == u) {
        found = {f.base, l, u};
        return true;
      }
      i += n;
      j += m;
    }
  }
  return false;
}

std::string Lower(std::string_view word) {
  std::string out;
  for (const auto& l : Letters(word)) {
    Found found;
    if (Find(l, found)) {
      out += found.lower;
    } else if (l.size() == 1) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(l[0])));
    } else {
      out += l;
    }
  }
  return out;
}

std::string Capitalised(const std::string& word) {
  auto letters = Letters(word);
  if (letters.empty()) return word;
  Found found;
  if (Find(letters[0], found)) {
    letters[0] = std::string(found.upper);
  } else if (letters[0].size() == 1) {
    letters[0][0] = static_cast<char>(std::toupper(static_cast<unsigned char>(letters[0][0])));
  }
  std::string out;
  for (const auto& l : letters) out += l;
  return out;
}

// A word of the dictionary worth offering: letters only, no acronym.
bool IsSyllable(const std::string& word) {
  if (word.empty()) return false;
  for (const auto& l : Letters(word)) {
    if (l.size() == 1) {
      const auto c = static_cast<unsigned char>(l[0]);
      if (!std::islower(c)) return false;
    } else if (Found found; !Find(l, found)) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> ReadLines(const std::filesystem::path& path, bool& ok) {
  std::ifstream in(path);
  ok = static_cast<bool>(in);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

constexpr int kDictionary = 100000;  // after every name

}  // namespace

std::string FoldVietnamese(std::string_view utf8) {
  std::string out;
  for (const auto& l : Letters(utf8)) {
    if (Found found; Find(l, found)) {
      out += found.base;
    } else if (l.size() == 1) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(l[0])));
    } else {
      out += l;
    }
  }
  return out;
}

void Suggester::Add(const std::string& word, int rank) {
  auto& entries = by_fold_[FoldVietnamese(word)];
  for (auto& e : entries) {
    if (e.word == word) {
      e.rank = std::min(e.rank, rank);
      return;
    }
  }
  entries.push_back({word, rank});
  ++words_;
}

Suggester Suggester::FromLines(const std::vector<std::string>& dictionary,
                               const std::vector<std::string>& names) {
  Suggester s;
  int order = 0;
  for (const auto& raw : names) {
    const std::string line = raw.substr(0, raw.find('#'));
    std::istringstream fields(line);
    std::string kind, word;
    if (!(fields >> kind >> word)) continue;
    word = Lower(word);
    if (kind == "surname") {
      s.surname_rank_.emplace(word, order);
    } else if (kind == "middle" || kind == "given") {
      s.name_rank_.emplace(word, order);
    } else {
      continue;
    }
    s.Add(word, 2 * kDictionary);  // elsewhere than a name: after the dictionary's words
    ++order;
  }
  int index = 0;
  for (const auto& raw : dictionary) {
    std::string word = raw.substr(0, raw.find('/'));
    while (!word.empty() && (word.back() == '\r' || word.back() == ' ')) word.pop_back();
    if (!IsSyllable(word)) continue;  // the count line, acronyms, foreign words
    s.Add(word, kDictionary + ++index);
  }
  return s;
}

core::Expected<Suggester> Suggester::Load(const std::filesystem::path& dictionary,
                                          const std::filesystem::path& names) {
  bool ok = false;
  const auto words = ReadLines(dictionary, ok);
  if (!ok) return core::Error::Fatal("io.absent", "no dictionary at " + dictionary.string());
  const auto name_lines = ReadLines(names, ok);
  if (!ok) return core::Error::Fatal("io.absent", "no names list at " + names.string());
  return FromLines(words, name_lines);
}

std::vector<std::string> Suggester::For(std::string_view typed, WordKind kind,
                                        std::size_t limit) const {
  const auto found = by_fold_.find(FoldVietnamese(typed));
  if (found == by_fold_.end() || limit == 0) return {};
  auto score = [&](const Entry& e) {
    const auto surname = surname_rank_.find(e.word);
    const auto name = name_rank_.find(e.word);
    switch (kind) {
      case WordKind::kFirstOfName:
        if (surname != surname_rank_.end()) return surname->second;
        if (name != name_rank_.end()) return 1000 + name->second;
        break;
      case WordKind::kInName:
        if (name != name_rank_.end()) return name->second;
        if (surname != surname_rank_.end()) return 1000 + surname->second;
        break;
      case WordKind::kOther:
        break;
    }
    return e.rank;
  };
  std::vector<const Entry*> entries;
  for (const auto& e : found->second) entries.push_back(&e);
  std::stable_sort(entries.begin(), entries.end(),
                   [&](const Entry* a, const Entry* b) { return score(*a) < score(*b); });
  const bool capital = kind != WordKind::kOther ||
                       (!typed.empty() && std::isupper(static_cast<unsigned char>(typed[0])));
  std::vector<std::string> out;
  for (const Entry* e : entries) {
    if (out.size() == limit) break;
    out.push_back(capital ? Capitalised(e->word) : e->word);
  }
  return out;
}

}  // namespace kiosk::input
