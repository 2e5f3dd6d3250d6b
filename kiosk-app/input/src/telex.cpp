#include "kiosk/input/telex.h"

#include <cctype>
#include <optional>
#include <vector>

#include "kiosk/core/secret.h"
#include "kiosk/core/text.h"

namespace kiosk::input {

namespace {

enum class Mark { kNone, kCircumflex, kBreve, kHorn, kStroke };
enum class Tone { kNone, kAcute, kGrave, kHook, kTilde, kDot };

struct Letter {
  char base;  // lowercase ASCII
  bool upper;
  Mark mark = Mark::kNone;
};

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

std::optional<Tone> ToneOf(char key) {
  switch (key) {
    case 's':
      return Tone::kAcute;
    case 'f':
      return Tone::kGrave;
    case 'r':
      return Tone::kHook;
    case 'x':
      return Tone::kTilde;
    case 'j':
      return Tone::kDot;
    case 'z':
      return Tone::kNone;
    default:
      return std::nullopt;
  }
}

// The index of the last vowel, or -1.
int LastVowel(const std::vector<Letter>& word) {
  for (int i = static_cast<int>(word.size()) - 1; i >= 0; --i) {
    if (IsVowel(word[static_cast<std::size_t>(i)].base)) return i;
  }
  return -1;
}

// [first, last] of the vowel nucleus that takes the tone, without the "u" of
// "qu" and the "i" of "gi" when another vowel follows.
std::pair<int, int> Nucleus(const std::vector<Letter>& word) {
  const int last = LastVowel(word);
  if (last < 0) return {-1, -1};
  int first = last;
  while (first > 0 && IsVowel(word[static_cast<std::size_t>(first - 1)].base)) --first;
  if (first < last && first > 0) {
    const char before = word[static_cast<std::size_t>(first - 1)].base;
    const char lead = word[static_cast<std::size_t>(first)].base;
    if ((before == 'q' && lead == 'u') || (before == 'g' && lead == 'i')) ++first;
  }
  return {first, last};
}

int TonePosition(const std::vector<Letter>& word) {
  const auto [first, last] = Nucleus(word);
  if (first < 0) return -1;
  // A vowel with its own mark carries the tone; in "ươ" it is the "ơ".
  int marked = -1;
  for (int i = first; i <= last; ++i) {
    if (word[static_cast<std::size_t>(i)].mark != Mark::kNone) marked = i;
  }
  if (marked >= 0) return marked;
  const int length = last - first + 1;
  const bool closed = last + 1 < static_cast<int>(word.size());  // a final consonant follows
  if (closed || length == 1) return last;
  if (length >= 3) return first + 1;
  return first;
}

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::string Render(const std::vector<Letter>& word, Tone tone) {
  const int at = tone == Tone::kNone ? -1 : TonePosition(word);
  std::string out;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const Letter& l = word[i];
    if (l.mark == Mark::kStroke) {
      AppendUtf8(out, l.upper ? U'\u0110' : U'\u0111');
      continue;
    }
    out += l.upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(l.base))) : l.base;
    switch (l.mark) {
      case Mark::kCircumflex:
        AppendUtf8(out, U'\u0302');
        break;
      case Mark::kBreve:
        AppendUtf8(out, U'\u0306');
        break;
      case Mark::kHorn:
        AppendUtf8(out, U'\u031B');
        break;
      default:
        break;
    }
    if (static_cast<int>(i) == at) {
      switch (tone) {
        case Tone::kAcute:
          AppendUtf8(out, U'\u0301');
          break;
        case Tone::kGrave:
          AppendUtf8(out, U'\u0300');
          break;
        case Tone::kHook:
          AppendUtf8(out, U'\u0309');
          break;
        case Tone::kTilde:
          AppendUtf8(out, U'\u0303');
          break;
        case Tone::kDot:
          AppendUtf8(out, U'\u0323');
          break;
        case Tone::kNone:
          break;
      }
    }
  }
  auto nfc = core::NormalizeNfc(out);
  return nfc ? *nfc : out;
}

Letter Plain(char key) {
  return {static_cast<char>(std::tolower(static_cast<unsigned char>(key))),
          std::isupper(static_cast<unsigned char>(key)) != 0};
}

}  // namespace

std::string ComposeTelexWord(std::string_view keys) {
  std::vector<Letter> word;
  Tone tone = Tone::kNone;
  char tone_key = 0;
  for (char key : keys) {
    const char k = static_cast<char>(std::tolower(static_cast<unsigned char>(key)));
    const int vowel = LastVowel(word);

    if (auto t = ToneOf(k); t && vowel >= 0) {
      if (k == tone_key) {  // the same tone key twice: undo, type the key
        tone = Tone::kNone;
        tone_key = 0;
        word.push_back(Plain(key));
      } else if (*t == Tone::kNone && tone == Tone::kNone) {
        word.push_back(Plain(key));
      } else {
        tone = *t;
        tone_key = *t == Tone::kNone ? 0 : k;
      }
      continue;
    }
    if (k == 'd' && !word.empty() && word.back().base == 'd') {
      if (word.back().mark == Mark::kStroke) {  // "ddd": undo
        word.back().mark = Mark::kNone;
        word.push_back(Plain(key));
      } else {
        word.back().mark = Mark::kStroke;
      }
      continue;
    }
    if ((k == 'a' || k == 'e' || k == 'o') && vowel >= 0 &&
        word[static_cast<std::size_t>(vowel)].base == k) {
      Letter& v = word[static_cast<std::size_t>(vowel)];
      if (v.mark == Mark::kCircumflex) {  // "aaa": undo
        v.mark = Mark::kNone;
        word.push_back(Plain(key));
      } else {
        v.mark = Mark::kCircumflex;
      }
      continue;
    }
    if (k == 'w') {
      // "uo" + w is "ươ"; otherwise the last of a/o/u takes the breve or horn.
      const auto [first, last] = Nucleus(word);
      bool done = false;
      for (int i = std::max(first, 0); first >= 0 && i < last; ++i) {
        Letter& u = word[static_cast<std::size_t>(i)];
        Letter& o = word[static_cast<std::size_t>(i + 1)];
        if (u.base == 'u' && o.base == 'o' && o.mark == Mark::kNone) {
          u.mark = Mark::kHorn;
          o.mark = Mark::kHorn;
          done = true;
        }
      }
      if (done) continue;
      int target = -1;
      for (int i = last; first >= 0 && i >= first; --i) {
        const char b = word[static_cast<std::size_t>(i)].base;
        if (b == 'a' || b == 'o' || b == 'u') {
          target = i;
          break;
        }
      }
      if (target >= 0) {
        Letter& v = word[static_cast<std::size_t>(target)];
        const Mark want = v.base == 'a' ? Mark::kBreve : Mark::kHorn;
        if (v.mark == want) {  // "aww": undo
          v.mark = Mark::kNone;
          word.push_back(Plain(key));
        } else {
          v.mark = want;
        }
        continue;
      }
      if (first < 0) {  // "w" on its own is "ư"
        Letter u = Plain(key);
        u.base = 'u';
        u.mark = Mark::kHorn;
        word.push_back(u);
        continue;
      }
    }
    word.push_back(Plain(key));
  }
  return Render(word, tone);
}

std::string ComposeTelex(std::string_view keys) {
  std::string out;
  std::string word;
  for (char c : keys) {
    if (std::isalpha(static_cast<unsigned char>(c)) != 0) {
      word += c;
    } else {
      out += ComposeTelexWord(word);
      word.clear();
      out += c;
    }
  }
  return out + ComposeTelexWord(word);
}

void TelexComposer::Key(char key) {
  if (std::isalpha(static_cast<unsigned char>(key)) != 0) {
    word_ += key;
    return;
  }
  committed_ += ComposeTelexWord(word_);
  word_.clear();
  committed_ += key;
}

void TelexComposer::Backspace() {
  if (!word_.empty()) {
    word_.pop_back();
    return;
  }
  // Drop the last UTF-8 character of the committed text (NFC: one letter).
  while (!committed_.empty()) {
    const auto byte = static_cast<unsigned char>(committed_.back());
    committed_.pop_back();
    if ((byte & 0xC0) != 0x80) break;
  }
}

void TelexComposer::Clear() {
  core::WipeString(committed_);
  core::WipeString(word_);
}

TelexComposer::~TelexComposer() { Clear(); }

std::string TelexComposer::Text() const { return committed_ + ComposeTelexWord(word_); }

bool TelexComposer::FirstWord() const {
  return committed_.find_first_not_of(' ') == std::string::npos;
}

bool TelexComposer::Mark(std::string_view marked) {
  // The letter that takes the mark, and the Telex key that puts it there.
  struct MarkKey {
    std::string_view marked;
    char base;
    char key;
  };
  static constexpr MarkKey kKeys[] = {{"â", 'a', 'a'}, {"ă", 'a', 'w'}, {"ê", 'e', 'e'},
                                      {"ô", 'o', 'o'}, {"ơ", 'o', 'w'}, {"ư", 'u', 'w'},
                                      {"đ", 'd', 'd'}};
  for (const auto& k : kKeys) {
    if (k.marked != marked) continue;
    // Right after the letter: Telex composes the pair ("aw" is ă).
    for (std::size_t i = word_.size(); i-- > 0;) {
      if (std::tolower(static_cast<unsigned char>(word_[i])) == k.base) {
        word_.insert(i + 1, 1, k.key);
        return true;
      }
    }
    word_ += k.base;
    word_ += k.key;
    return true;
  }
  return false;
}

bool TelexComposer::Tone(char telex) {
  if (word_.empty() || std::string_view("sfrxj").find(telex) == std::string_view::npos) {
    return false;
  }
  word_ += telex;
  return true;
}

void TelexComposer::ReplaceWord(const std::string& written) {
  core::WipeString(word_);
  word_.clear();
  committed_ += written;
}

}  // namespace kiosk::input
