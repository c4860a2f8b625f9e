// Bodies of model/channel.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../channel.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(channel)

PBGDPL_DECL void validate(const channel& c, validator& v) {
  rules::schema(v, c.schema_version);
  rules::known(v, c.kind, "/kind");
  rules::identifier(v, c.id, "/id", "Mã kênh", "Channel id");
  rules::text(v, c.name, "/name", "Tên kênh", "Channel name", true);
  rules::url(v, c.url, "/url", "Địa chỉ kênh", "Channel URL", channel_has_url(c.kind));
  rules::text(v, c.phone, "/phone", "Số điện thoại", "Phone", c.kind == channel_kind::hotline);
  rules::identifier(v, c.unit, "/unit", "Đơn vị", "Unit");
}

PBGDPL_MODEL_DEFINE(channel_post)

PBGDPL_DECL void validate(const channel_post& p, validator& v) {
  rules::schema(v, p.schema_version);
  rules::identifier(v, p.id, "/id", "Mã bài đăng", "Post id");
  rules::identifier(v, p.channel, "/channel", "Kênh", "Channel");
  rules::identifier(v, p.unit, "/unit", "Đơn vị", "Unit");
  rules::text(v, p.title, "/title", "Tiêu đề", "Title", false);
  rules::url(v, p.url, "/url", "Địa chỉ bài đăng", "Post URL", false);
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(channel)
PBGDPL_MODEL_INSTANTIATE(channel_post)
#endif

PBGDPL_NAMESPACE_END
