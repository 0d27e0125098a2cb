// The operating system's reasons for a failed file operation, in English and
// Chinese (internal). strerror() speaks the C library's language only, and
// "No such file or directory" inside a Chinese message leaves its reader guessing.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

namespace perfbudget::detail {

struct SystemErrorText {
    std::string en, zh;
};

/// Why `err` (an errno value): the common cases worded for a finance officer.
inline SystemErrorText system_error_text(int err) {
    switch (err) {
    case ENOENT: return {"no such file or directory", "文件或目录不存在"};
    case EACCES:
    case EPERM: return {"permission denied", "没有访问权限"};
    case EISDIR: return {"it is a directory, not a file", "这是一个目录，不是文件"};
    case ENOTDIR: return {"a part of the path is not a directory", "路径中有一部分不是目录"};
    case ENOSPC: return {"no space left on the disk", "磁盘空间不足"};
    case EDQUOT: return {"the disk quota is used up", "磁盘配额已用完"};
    case EROFS: return {"the file system is read-only", "文件系统为只读"};
    case EMFILE:
    case ENFILE: return {"too many open files", "打开的文件过多"};
    case ENAMETOOLONG: return {"the file name is too long", "文件名过长"};
    case EFBIG: return {"the file is too large", "文件过大"};
    case EIO: return {"input/output error (the disk or network drive failed)", "输入/输出错误（磁盘或网络驱动器故障）"};
    case ELOOP: return {"too many levels of symbolic links", "符号链接层数过多"};
    case EBUSY:
    case ETXTBSY: return {"the file is in use", "文件正被占用"};
    default: {
        const std::string code = std::to_string(err);
        return {std::string(std::strerror(err)) + " (errno " + code + ")", "系统错误（errno " + code + "）"};
    }
    }
}

} // namespace perfbudget::detail
