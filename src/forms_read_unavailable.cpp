// forms.hpp: read_forms() in a build without the .xlsx reader (src/xlsx.cpp not
// yet present; CMakeLists.txt picks src/forms_read.cpp once it is).
#include "perfbudget/forms.hpp"

namespace perfbudget {

FormsRead read_forms(const std::string& path, const RuleBook&) {
    throw Error({path, 0, 0}, "this build of perfbudget has no .xlsx reader, so it cannot read forms",
                "此版本的 perfbudget 未包含 .xlsx 读取功能，无法读取自评表");
}

} // namespace perfbudget
