// Stage: link (object_loader.h). Follows the System V ABI's ELF-64 object format and its
// x86-64 supplement (relocation types and their computations: S + A, S + A - P, G + A - P).
//
// Layout of one image (one anonymous mapping, three page-aligned regions):
//   text (read+execute):  every SHF_EXECINSTR section, then an 8-byte stub per external
//                         symbol: `jmp *slot(%rip)`, for calls whose target is out of the
//                         ±2 GiB a rel32 reaches (the runtime and libm live in shared objects)
//   read-only:            the other SHF_ALLOC sections, then the GOT (one 8-byte slot per
//                         external symbol and per GOT-relative relocation)
//   data (read+write):    SHF_WRITE sections (our objects have none; supported anyway)
// Everything is written while the mapping is read+write; then each region gets its final
// protection. Nothing is registered (no .eh_frame: the pipeline emits no unwind tables, and
// an object with one is declined).

#include "object_loader.h"

#include "perf_map.h"

#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <limits>
#include <unordered_map>

namespace wasm_native {
namespace {

constexpr size_t kStubBytes = 8;
constexpr size_t kSlotBytes = 8;
constexpr size_t kRegions = 3;
constexpr size_t kMaxImageBytes = size_t{1} << 30;
enum Region : size_t { kText = 0, kReadOnly = 1, kData = 2 };

size_t AlignUp(size_t value, size_t alignment) { return (value + alignment - 1) & ~(alignment - 1); }

bool IsPowerOfTwo(uint64_t value) { return value != 0 && (value & (value - 1)) == 0; }

bool FitsInt32(int64_t value) {
  return value >= std::numeric_limits<int32_t>::min() && value <= std::numeric_limits<int32_t>::max();
}

/** One parsed object: views into its bytes, checked against their bounds. */
struct Object {
  std::string_view bytes;
  const Elf64_Shdr* sections = nullptr;
  size_t sectionCount = 0;
  const Elf64_Sym* symbols = nullptr;
  size_t symbolCount = 0;
  const char* strings = nullptr;
  size_t stringsSize = 0;
  /** Per section: its region and offset there, when it is loaded (SHF_ALLOC). */
  std::vector<Region> region;
  std::vector<size_t> offset;
  std::vector<bool> loaded;
  /** The SHT_RELA sections that apply to loaded sections. */
  std::vector<const Elf64_Shdr*> relocations;
};

class Loader {
 public:
  Loader(const ExternalResolver& resolve, const std::string& label, std::string* error)
      : resolve_(resolve), label_(label), error_(error) {}

  ~Loader() {
    if (base_ != nullptr) munmap(base_, size_);
  }

  LoadOutcome Load(const std::vector<std::string_view>& objects, const std::vector<std::string>& symbols,
                   LoadedImage* image, std::vector<uint64_t>* addresses) {
    if (objects.empty()) return LoadOutcome::kDeclined;  // JITLink reports that
    for (std::string_view bytes : objects) {
      objects_.emplace_back();
      if (!Parse(bytes, &objects_.back())) return outcome_;
    }
    if (!CollectSymbols()) return outcome_;
    if (!Map()) return outcome_;
    if (!Relocate()) return outcome_;
    addresses->clear();
    for (const std::string& name : symbols) {
      auto found = globals_.find(name);
      if (found == globals_.end()) {
        Fail(LoadOutcome::kFailed, "symbol not defined by the objects: " + name);
        return outcome_;
      }
      addresses->push_back(found->second.address);
    }
    if (!Protect()) return outcome_;
    if (PerfMapEnabled()) WritePerfMap();
    image->base = base_;
    image->size = size_;
    base_ = nullptr;  // owned by the image now
    return LoadOutcome::kLoaded;
  }

 private:
  struct Global {
    size_t object;
    size_t symbol;
    uint64_t address = 0;
  };

  /** A symbol no object defines: the resolver's address, reached through stub and slot `index`. */
  struct External {
    uint64_t address;
    size_t index;
  };

  bool Fail(LoadOutcome outcome, const std::string& why) {
    outcome_ = outcome;
    *error_ = why;
    return false;
  }

  bool Decline(const std::string& why) { return Fail(LoadOutcome::kDeclined, why); }

  template <typename T>
  static bool Fits(std::string_view bytes, uint64_t offset, uint64_t count) {
    return offset <= bytes.size() && count <= (bytes.size() - offset) / sizeof(T) &&
           reinterpret_cast<uintptr_t>(bytes.data() + offset) % alignof(T) == 0;
  }

  bool Parse(std::string_view bytes, Object* object) {
    object->bytes = bytes;
    if (!Fits<Elf64_Ehdr>(bytes, 0, 1)) return Decline("not an ELF-64 object (too short or misaligned)");
    const auto* header = reinterpret_cast<const Elf64_Ehdr*>(bytes.data());
    if (std::memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 || header->e_ident[EI_CLASS] != ELFCLASS64 ||
        header->e_ident[EI_DATA] != ELFDATA2LSB || header->e_type != ET_REL || header->e_machine != EM_X86_64) {
      return Decline("not a relocatable x86-64 ELF-64 object");
    }
    if (header->e_shentsize != sizeof(Elf64_Shdr) || header->e_shnum == 0 ||
        !Fits<Elf64_Shdr>(bytes, header->e_shoff, header->e_shnum) || header->e_shstrndx >= header->e_shnum) {
      return Decline("unexpected section header table");
    }
    object->sections = reinterpret_cast<const Elf64_Shdr*>(bytes.data() + header->e_shoff);
    object->sectionCount = header->e_shnum;
    const Elf64_Shdr& names = object->sections[header->e_shstrndx];
    if (!Fits<char>(bytes, names.sh_offset, names.sh_size)) return Decline("section names out of bounds");
    std::string_view nameTable(bytes.data() + names.sh_offset, names.sh_size);
    object->region.assign(object->sectionCount, kReadOnly);
    object->offset.assign(object->sectionCount, 0);
    object->loaded.assign(object->sectionCount, false);

    for (size_t i = 0; i < object->sectionCount; ++i) {
      const Elf64_Shdr& section = object->sections[i];
      switch (section.sh_type) {
        case SHT_SYMTAB: {
          if (object->symbols != nullptr || section.sh_entsize != sizeof(Elf64_Sym) ||
              !Fits<Elf64_Sym>(bytes, section.sh_offset, section.sh_size / sizeof(Elf64_Sym)) ||
              section.sh_link >= object->sectionCount) {
            return Decline("unexpected symbol table");
          }
          const Elf64_Shdr& strings = object->sections[section.sh_link];
          if (!Fits<char>(bytes, strings.sh_offset, strings.sh_size) || strings.sh_size == 0 ||
              bytes[strings.sh_offset + strings.sh_size - 1] != '\0') {
            return Decline("unexpected symbol names");
          }
          object->symbols = reinterpret_cast<const Elf64_Sym*>(bytes.data() + section.sh_offset);
          object->symbolCount = section.sh_size / sizeof(Elf64_Sym);
          object->strings = bytes.data() + strings.sh_offset;
          object->stringsSize = strings.sh_size;
          break;
        }
        case SHT_REL:
          return Decline("SHT_REL relocations");
        case SHT_RELA:
          if (section.sh_entsize != sizeof(Elf64_Rela) || section.sh_info >= object->sectionCount ||
              !Fits<Elf64_Rela>(bytes, section.sh_offset, section.sh_size / sizeof(Elf64_Rela))) {
            return Decline("unexpected relocation section");
          }
          if ((object->sections[section.sh_info].sh_flags & SHF_ALLOC) != 0) object->relocations.push_back(&section);
          break;
        default:
          break;
      }
      if ((section.sh_flags & SHF_ALLOC) == 0) continue;
      std::string_view name = section.sh_name < nameTable.size() ? nameTable.substr(section.sh_name) : std::string_view();
      name = name.substr(0, name.find('\0'));
      if (name == ".eh_frame" || section.sh_type == SHT_X86_64_UNWIND) return Decline("unwind tables");
      if (section.sh_type != SHT_PROGBITS && section.sh_type != SHT_NOBITS) {
        return Decline("allocated section of type " + std::to_string(section.sh_type) + " (" + std::string(name) + ")");
      }
      if ((section.sh_flags & SHF_TLS) != 0) return Decline("thread-local section");
      bool executable = (section.sh_flags & SHF_EXECINSTR) != 0;
      bool writable = (section.sh_flags & SHF_WRITE) != 0;
      if (executable && writable) return Decline("writable code section");
      if (section.sh_type == SHT_PROGBITS && !Fits<char>(bytes, section.sh_offset, section.sh_size)) {
        return Decline("section contents out of bounds");
      }
      uint64_t alignment = section.sh_addralign <= 1 ? 1 : section.sh_addralign;
      if (!IsPowerOfTwo(alignment) || alignment > 4096) return Decline("section alignment above a page");
      Region region = executable ? kText : writable ? kData : kReadOnly;
      size_t offset = AlignUp(regionSize_[region], alignment);
      object->region[i] = region;
      object->offset[i] = offset;
      object->loaded[i] = true;
      regionSize_[region] = offset + section.sh_size;
    }
    if (object->symbols == nullptr) return Decline("no symbol table");
    return true;
  }

  /** The symbol's name (empty for unnamed symbols), or false if it points outside the names. */
  bool SymbolName(const Object& object, const Elf64_Sym& symbol, std::string* name) {
    if (symbol.st_name >= object.stringsSize) return Decline("symbol name out of bounds");
    *name = std::string(object.strings + symbol.st_name);
    return true;
  }

  /** Global definitions by name; external names (undefined everywhere) get a stub and a slot each. */
  bool CollectSymbols() {
    std::string name;
    for (size_t o = 0; o < objects_.size(); ++o) {
      const Object& object = objects_[o];
      for (size_t k = 1; k < object.symbolCount; ++k) {
        const Elf64_Sym& symbol = object.symbols[k];
        unsigned binding = ELF64_ST_BIND(symbol.st_info);
        if (ELF64_ST_TYPE(symbol.st_info) == STT_TLS) return Decline("thread-local symbol");
        if (ELF64_ST_TYPE(symbol.st_info) == STT_GNU_IFUNC) return Decline("indirect function symbol");
        if (symbol.st_shndx == SHN_COMMON || symbol.st_shndx == SHN_XINDEX) return Decline("common or extended-index symbol");
        if (symbol.st_shndx != SHN_UNDEF && symbol.st_shndx != SHN_ABS &&
            (symbol.st_shndx >= object.sectionCount || !object.loaded[symbol.st_shndx])) {
          if (binding != STB_LOCAL) return Decline("global symbol in a section that is not loaded");
          continue;  // e.g. a local symbol of a debug section: never a relocation target of loaded code
        }
        if (binding == STB_LOCAL || symbol.st_shndx == SHN_UNDEF) continue;
        if (binding != STB_GLOBAL && binding != STB_WEAK) return Decline("symbol binding " + std::to_string(binding));
        if (!SymbolName(object, symbol, &name)) return false;
        auto [entry, inserted] = globals_.try_emplace(name, Global{o, k});
        if (inserted || binding == STB_WEAK) continue;  // a weak definition never replaces another
        if (ELF64_ST_BIND(objects_[entry->second.object].symbols[entry->second.symbol].st_info) == STB_GLOBAL) {
          return Decline("symbol defined twice: " + name);
        }
        entry->second = Global{o, k};  // a strong definition replaces a weak one
      }
    }
    for (const Object& object : objects_) {
      for (size_t k = 1; k < object.symbolCount; ++k) {
        const Elf64_Sym& symbol = object.symbols[k];
        if (symbol.st_shndx != SHN_UNDEF) continue;
        if (!SymbolName(object, symbol, &name)) return false;
        if (name.empty() || globals_.count(name) != 0 || externals_.count(name) != 0) continue;
        uint64_t address = resolve_(name);
        if (address == 0) {
          if (ELF64_ST_BIND(symbol.st_info) == STB_WEAK) continue;
          return Fail(LoadOutcome::kFailed, "symbol not found: " + name);
        }
        size_t index = externals_.size();
        externals_.emplace(name, External{address, index});
      }
    }
    size_t gotRelocations = 0;
    for (const Object& object : objects_) {
      for (const Elf64_Shdr* section : object.relocations) {
        const auto* entries = reinterpret_cast<const Elf64_Rela*>(object.bytes.data() + section->sh_offset);
        for (size_t r = 0; r < section->sh_size / sizeof(Elf64_Rela); ++r) {
          uint32_t type = ELF64_R_TYPE(entries[r].r_info);
          if (type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX || type == R_X86_64_REX_GOTPCRELX) ++gotRelocations;
        }
      }
    }
    stubsOffset_ = AlignUp(regionSize_[kText], kStubBytes);
    regionSize_[kText] = stubsOffset_ + externals_.size() * kStubBytes;
    slotsOffset_ = AlignUp(regionSize_[kReadOnly], kSlotBytes);
    size_t slotCount = externals_.size() + gotRelocations;
    regionSize_[kReadOnly] = slotsOffset_ + slotCount * kSlotBytes;
    return true;
  }

  bool Map() {
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_t offset = 0;
    for (size_t region = 0; region < kRegions; ++region) {
      regionStart_[region] = offset;
      offset += AlignUp(regionSize_[region], page);
    }
    // rel32 displacements between the regions (stubs to slots, code to constants) must fit.
    if (offset > kMaxImageBytes) return Decline("image larger than 1 GiB");
    if (offset != 0) {
      void* base = mmap(nullptr, offset, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (base == MAP_FAILED) return Fail(LoadOutcome::kFailed, "cannot map memory for code");
      base_ = static_cast<uint8_t*>(base);
      size_ = offset;
    }  // else no code at all (a module without functions): an image without pages
    for (const Object& object : objects_) {
      for (size_t i = 0; i < object.sectionCount; ++i) {
        const Elf64_Shdr& section = object.sections[i];
        if (!object.loaded[i] || section.sh_type != SHT_PROGBITS) continue;  // NOBITS stays zero
        std::memcpy(SectionAddress(object, i), object.bytes.data() + section.sh_offset, section.sh_size);
      }
    }
    // Stubs and slots of the external symbols.
    for (const auto& [name, external] : externals_) {
      uint8_t* slot = SlotAddress(external.index);
      std::memcpy(slot, &external.address, sizeof(uint64_t));
      uint8_t* stub = base_ + regionStart_[kText] + stubsOffset_ + external.index * kStubBytes;
      int32_t displacement = static_cast<int32_t>(slot - (stub + 6));
      stub[0] = 0xff;  // jmp *disp32(%rip)
      stub[1] = 0x25;
      std::memcpy(stub + 2, &displacement, sizeof(int32_t));
      stub[6] = 0xcc;  // int3 padding
      stub[7] = 0xcc;
    }
    usedSlots_ = externals_.size();
    for (auto& [name, global] : globals_) {
      const Object& object = objects_[global.object];
      if (base_ == nullptr && object.symbols[global.symbol].st_shndx != SHN_ABS) {
        return Decline("a symbol in an empty section");
      }
      global.address = DefinedAddress(object, object.symbols[global.symbol]);
    }
    return true;
  }

  uint8_t* SectionAddress(const Object& object, size_t section) {
    return base_ + regionStart_[object.region[section]] + object.offset[section];
  }

  /** The address of a symbol defined absolutely or in a loaded section of `object`. */
  uint64_t DefinedAddress(const Object& object, const Elf64_Sym& symbol) {
    if (symbol.st_shndx == SHN_ABS) return symbol.st_value;
    return reinterpret_cast<uint64_t>(SectionAddress(object, symbol.st_shndx)) + symbol.st_value;
  }

  uint8_t* SlotAddress(size_t index) { return base_ + regionStart_[kReadOnly] + slotsOffset_ + index * kSlotBytes; }

  /** S: the address symbol `k` of `object` stands for; `external` is set for symbols outside the objects. */
  bool SymbolAddress(const Object& object, size_t k, uint64_t* address, const External** external) {
    *external = nullptr;
    if (k >= object.symbolCount) return Decline("relocation symbol out of range");
    const Elf64_Sym& symbol = object.symbols[k];
    if (symbol.st_shndx != SHN_UNDEF) {
      if (symbol.st_shndx != SHN_ABS && (symbol.st_shndx >= object.sectionCount || !object.loaded[symbol.st_shndx])) {
        return Decline("relocation against a section that is not loaded");
      }
      *address = DefinedAddress(object, symbol);
      return true;
    }
    std::string name;
    if (!SymbolName(object, symbol, &name)) return false;
    if (auto global = globals_.find(name); global != globals_.end()) {
      *address = global->second.address;
      return true;
    }
    if (auto found = externals_.find(name); found != externals_.end()) {
      *external = &found->second;
      *address = found->second.address;
      return true;
    }
    *address = 0;  // an unresolved weak reference
    return true;
  }

  /** The GOT slot holding `address` (one per address). */
  uint64_t SlotFor(uint64_t address) {
    auto [entry, inserted] = slotOf_.try_emplace(address, 0);
    if (inserted) {
      entry->second = usedSlots_++;
      std::memcpy(SlotAddress(entry->second), &address, sizeof(uint64_t));
    }
    return reinterpret_cast<uint64_t>(SlotAddress(entry->second));
  }

  bool Relocate() {
    for (const Object& object : objects_) {
      for (const Elf64_Shdr* section : object.relocations) {
        size_t target = section->sh_info;
        const Elf64_Shdr& targetSection = object.sections[target];
        if (targetSection.sh_type != SHT_PROGBITS) return Decline("relocations in a section without contents");
        uint8_t* targetAddress = SectionAddress(object, target);
        const auto* entries = reinterpret_cast<const Elf64_Rela*>(object.bytes.data() + section->sh_offset);
        for (size_t r = 0; r < section->sh_size / sizeof(Elf64_Rela); ++r) {
          const Elf64_Rela& relocation = entries[r];
          uint32_t type = ELF64_R_TYPE(relocation.r_info);
          if (type == R_X86_64_NONE) continue;
          size_t width = type == R_X86_64_64 || type == R_X86_64_PC64 ? 8 : 4;
          if (relocation.r_offset > targetSection.sh_size || targetSection.sh_size - relocation.r_offset < width) {
            return Decline("relocation outside its section");
          }
          uint8_t* place = targetAddress + relocation.r_offset;
          const auto P = reinterpret_cast<uint64_t>(place);
          uint64_t S = 0;
          const External* external = nullptr;
          if (!SymbolAddress(object, ELF64_R_SYM(relocation.r_info), &S, &external)) return false;
          const int64_t A = relocation.r_addend;
          switch (type) {
            case R_X86_64_64:
              Write64(place, S + A);
              break;
            case R_X86_64_PC64:
              Write64(place, S + A - P);
              break;
            case R_X86_64_PC32:
            case R_X86_64_PLT32: {
              int64_t value = static_cast<int64_t>(S + A - P);
              if (!FitsInt32(value) && type == R_X86_64_PLT32 && external != nullptr) {
                uint64_t stub = reinterpret_cast<uint64_t>(base_ + regionStart_[kText] + stubsOffset_ + external->index * kStubBytes);
                value = static_cast<int64_t>(stub + A - P);
              }
              if (!FitsInt32(value)) return Decline("PC-relative relocation out of range");
              Write32(place, static_cast<uint32_t>(static_cast<int32_t>(value)));
              break;
            }
            case R_X86_64_GOTPCREL:
            case R_X86_64_GOTPCRELX:
            case R_X86_64_REX_GOTPCRELX: {
              int64_t value = static_cast<int64_t>(SlotFor(S) + A - P);
              if (!FitsInt32(value)) return Decline("GOT-relative relocation out of range");
              Write32(place, static_cast<uint32_t>(static_cast<int32_t>(value)));
              break;
            }
            case R_X86_64_32:
              if (S + A > std::numeric_limits<uint32_t>::max()) return Decline("absolute 32-bit relocation out of range");
              Write32(place, static_cast<uint32_t>(S + A));
              break;
            case R_X86_64_32S: {
              auto value = static_cast<int64_t>(S + A);
              if (!FitsInt32(value)) return Decline("absolute 32-bit relocation out of range");
              Write32(place, static_cast<uint32_t>(static_cast<int32_t>(value)));
              break;
            }
            default:
              return Decline("relocation type " + std::to_string(type));
          }
        }
      }
    }
    return true;
  }

  /** Every function symbol with a size (local ones too: LLVM makes most wasm functions local). */
  void WritePerfMap() {
    std::string name;
    for (const Object& object : objects_) {
      for (size_t k = 1; k < object.symbolCount; ++k) {
        const Elf64_Sym& symbol = object.symbols[k];
        if (ELF64_ST_TYPE(symbol.st_info) != STT_FUNC || symbol.st_size == 0 || symbol.st_shndx == SHN_UNDEF ||
            symbol.st_shndx >= object.sectionCount || !object.loaded[symbol.st_shndx] || !SymbolName(object, symbol, &name)) {
          continue;
        }
        AddPerfMapEntry(DefinedAddress(object, symbol), symbol.st_size, label_.empty() ? name : label_ + "::" + name);
      }
    }
  }

  static void Write32(uint8_t* place, uint32_t value) { std::memcpy(place, &value, sizeof(value)); }
  static void Write64(uint8_t* place, uint64_t value) { std::memcpy(place, &value, sizeof(value)); }

  bool Protect() {
    const int protections[kRegions] = {PROT_READ | PROT_EXEC, PROT_READ, PROT_READ | PROT_WRITE};
    for (size_t region = 0; region < kRegions; ++region) {
      size_t end = region + 1 < kRegions ? regionStart_[region + 1] : size_;
      if (end == regionStart_[region] || protections[region] == (PROT_READ | PROT_WRITE)) continue;
      if (mprotect(base_ + regionStart_[region], end - regionStart_[region], protections[region]) != 0) {
        return Fail(LoadOutcome::kFailed, "cannot protect the loaded code");
      }
    }
    return true;
  }

  const ExternalResolver& resolve_;
  const std::string& label_;
  std::string* error_;
  LoadOutcome outcome_ = LoadOutcome::kDeclined;
  std::vector<Object> objects_;
  std::unordered_map<std::string, Global> globals_;
  std::unordered_map<std::string, External> externals_;
  std::unordered_map<uint64_t, size_t> slotOf_;
  size_t regionSize_[kRegions] = {0, 0, 0};
  size_t regionStart_[kRegions] = {0, 0, 0};
  size_t stubsOffset_ = 0;
  size_t slotsOffset_ = 0;
  size_t usedSlots_ = 0;
  uint8_t* base_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

LoadOutcome LoadObjects(const std::vector<std::string_view>& objects, const std::vector<std::string>& symbols,
                        const ExternalResolver& resolveExternal, LoadedImage* image, std::vector<uint64_t>* addresses,
                        std::string* error, const std::string& label) {
  Loader loader(resolveExternal, label, error);
  return loader.Load(objects, symbols, image, addresses);
}

void UnloadImage(LoadedImage* image) {
  if (image->base == nullptr) return;
  munmap(image->base, image->size);
  image->base = nullptr;
  image->size = 0;
}

}  // namespace wasm_native
