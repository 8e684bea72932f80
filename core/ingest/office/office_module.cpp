// The strata-office module's entry point (see ingest/office_abi.h): nothing but OfficeRawDocument
// leaves it, never an exception.
#include <new>
#include <string_view>
#include <type_traits>

#include "ingest/office/office_error.h"
#include "ingest/office/readers.h"
#include "ingest/office/zip_archive.h"

using strata::ingest::OfficeFormat;
using strata::ingest::OfficeLimits;
using strata::ingest::OfficeRawDocument;

extern "C" __attribute__((visibility("default"))) void strata_office_read_v1(OfficeFormat format, const char* data,
                                                                            std::size_t size,
                                                                            const OfficeLimits* limits,
                                                                            OfficeRawDocument* out) noexcept {
  namespace office = strata::ingest::office;
  try {
    office::ZipArchive zip(std::string_view(data, size), *limits);
    switch (format) {
      case OfficeFormat::docx: *out = office::read_docx(zip); break;
      case OfficeFormat::odt: *out = office::read_odt(zip); break;
      case OfficeFormat::pptx: *out = office::read_pptx(zip); break;
      case OfficeFormat::epub: *out = office::read_epub(zip); break;
    }
  } catch (const office::OfficeError& e) {
    *out = OfficeRawDocument{};
    out->error = e.what();
  } catch (const std::bad_alloc&) {
    *out = OfficeRawDocument{};
    out->error = "out of memory";
  } catch (const std::exception& e) {
    *out = OfficeRawDocument{};
    out->error = std::string("internal error: ") + e.what();
  }
}

static_assert(std::is_same_v<decltype(&strata_office_read_v1), strata::ingest::OfficeReadFunction>);
