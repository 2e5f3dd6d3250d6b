#pragma once

// Telex, the way most Vietnamese type on a Latin keyboard: letters compose
// within a word ("aa" → "â", "ow" → "ơ", "dd" → "đ", "w" → "ư") and a tone
// key anywhere in the word marks it (s sắc, f huyền, r hỏi, x ngã, j nặng,
// z removes). Repeating a modifier undoes it and types the key itself
// ("aaa" → "aa", "ass" → "as"). The tone goes where Vietnamese spelling puts
// it (the traditional placement used on civil-status papers: "Hòa", "Thúy").
// Pure: no I/O, no state beyond the text being composed.

#include <string>
#include <string_view>

namespace kiosk::input {

// Composes one word's keystrokes (ASCII) into NFC UTF-8.
std::string ComposeTelexWord(std::string_view keys);

// Composes a whole line: words are separated by anything that is not an
// ASCII letter, which passes through unchanged. "Vieetj Nam" → "Việt Nam".
std::string ComposeTelex(std::string_view keys);

// The state behind the on-screen keyboard: committed text plus the keys of
// the word being typed, recomposed on every key.
class TelexComposer {
 public:
  explicit TelexComposer(std::string initial = {}) : committed_(std::move(initial)) {}
  ~TelexComposer();  // wipes what was typed
  TelexComposer(const TelexComposer&) = delete;
  TelexComposer& operator=(const TelexComposer&) = delete;
  TelexComposer(TelexComposer&&) = default;
  TelexComposer& operator=(TelexComposer&&) = default;

  void Key(char key);  // any printable ASCII
  // Deletes the last key of the word being typed, else the last character.
  void Backspace();
  void Clear();  // wipes the text, not just empties it
  std::string Text() const;
  bool Empty() const { return committed_.empty() && word_.empty(); }

  // The keys of the word being typed ("" between words).
  const std::string& Word() const { return word_; }
  // Whether that word is the text's first ("nguyen" in "nguyen van an").
  bool FirstWord() const;
  // Puts a written word (a suggestion picked) in place of the keys typed.
  void ReplaceWord(const std::string& written);
  // The keyboard's mark keys, for those who do not know Telex: "â", "ă",
  // "ê", "ô", "ơ", "ư" or "đ" marks the last letter of the word being typed
  // that can take it (pressed again, the mark comes off), or types the
  // marked letter when there is none. False for anything else.
  bool Mark(std::string_view marked);
  // The tone keys: 's' sắc, 'f' huyền, 'r' hỏi, 'x' ngã, 'j' nặng, on the
  // word being typed, where spelling puts it. False outside a word.
  bool Tone(char telex);

 private:
  std::string committed_;
  std::string word_;  // raw keys of the current word
};

}  // namespace kiosk::input
