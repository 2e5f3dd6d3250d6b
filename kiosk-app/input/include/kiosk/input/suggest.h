#pragma once

// Word suggestions for people who do not know Telex: they type a word
// without marks ("nguyen") and pick the written word ("Nguyễn") from a strip
// of candidates. Candidates are every Vietnamese syllable that folds to what
// was typed: from Debian's Vietnamese dictionary (hunspell-vi) and a list of
// names. In a name, surnames come first for the first word and given names
// after it; elsewhere common syllables lead.

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::input {

// Vietnamese letters without marks and in lower case: "Nguyễn" → "nguyen",
// "Đ" → "d". Anything else passes through.
std::string FoldVietnamese(std::string_view utf8);

enum class WordKind { kOther, kFirstOfName, kInName };

class Suggester {
 public:
  // `dictionary`: a hunspell .dic (one word a line; a count line is
  // skipped). `names`: "surname WORD", "middle WORD" or "given WORD" lines,
  // most common first; '#' starts a comment. Either may be missing: "io.absent".
  static core::Expected<Suggester> Load(const std::filesystem::path& dictionary,
                                        const std::filesystem::path& names);
  // From lines already read (tests).
  static Suggester FromLines(const std::vector<std::string>& dictionary,
                             const std::vector<std::string>& names);

  // Up to `limit` written forms of `typed` (as typed: without marks, any
  // case), best first, capitalised like `typed`'s first letter or, in a
  // name, always. Empty when nothing folds to it.
  std::vector<std::string> For(std::string_view typed, WordKind kind, std::size_t limit = 6) const;

  std::size_t Size() const { return words_; }

 private:
  struct Entry {
    std::string word;  // lower case, NFC
    int rank;          // lower is better
  };
  void Add(const std::string& word, int rank);
  std::unordered_map<std::string, std::vector<Entry>> by_fold_;
  std::unordered_map<std::string, int> surname_rank_, name_rank_;
  std::size_t words_ = 0;
};

}  // namespace kiosk::input
