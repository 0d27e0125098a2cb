// `perfbudget --help` and `perfbudget COMMAND --help`, in English or Chinese:
// what the command does, its options, one example and the page of the docs.
#pragma once

#include <string>
#include <string_view>

namespace perfbudget::cli {

/// The help of `command` ("" for the program), in Chinese when `zh`. Empty when
/// there is no such command.
std::string help_text(std::string_view command, bool zh);

/// Whether help should be in Chinese: `--lang zh` among the arguments wins, then
/// `--lang en`; otherwise the locale the user runs in (LC_ALL, LC_MESSAGES, LANG
/// starting with "zh").
bool help_in_chinese(int argc, char** argv);

} // namespace perfbudget::cli
