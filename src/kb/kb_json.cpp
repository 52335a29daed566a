#include "kb/kb_json.h"

#include <string>
#include <string_view>

namespace trtlens {

nlohmann::json to_nlohmann(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType: return nullptr;
    case rapidjson::kFalseType: return false;
    case rapidjson::kTrueType: return true;
    case rapidjson::kStringType: return std::string(v.GetString(), v.GetStringLength());
    case rapidjson::kNumberType:
      if (v.IsInt64()) return v.GetInt64();
      if (v.IsUint64()) return v.GetUint64();
      return v.GetDouble();
    case rapidjson::kArrayType: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : v.GetArray()) out.push_back(to_nlohmann(item));
      return out;
    }
    case rapidjson::kObjectType: {
      nlohmann::json out = nlohmann::json::object();
      for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m)
        out[std::string(m->name.GetString(), m->name.GetStringLength())] = to_nlohmann(m->value);
      return out;
    }
  }
  return nullptr;
}

nlohmann::json release_header(const rapidjson::Value& document) {
  nlohmann::json header = nlohmann::json::object();
  for (auto m = document.MemberBegin(); m != document.MemberEnd(); ++m)
    if (std::string_view(m->name.GetString(), m->name.GetStringLength()) != "ops")
      header[std::string(m->name.GetString(), m->name.GetStringLength())] = to_nlohmann(m->value);
  return header;
}

}  // namespace trtlens
