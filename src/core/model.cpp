// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the model's bodies (JSON codecs, validation, the
// dataset reader) and the one instantiation of each entity's decode/encode/check templates.
#include <pbgdpl/model.hpp>

#include <pbgdpl/model/impl/common.ipp>
#include <pbgdpl/model/impl/unit.ipp>
#include <pbgdpl/model/impl/account.ipp>
#include <pbgdpl/model/impl/credential.ipp>
#include <pbgdpl/model/impl/article.ipp>
#include <pbgdpl/model/impl/legal_document.ipp>
#include <pbgdpl/model/impl/media.ipp>
#include <pbgdpl/model/impl/question.ipp>
#include <pbgdpl/model/impl/approval.ipp>
#include <pbgdpl/model/impl/banner.ipp>
#include <pbgdpl/model/impl/signage.ipp>
#include <pbgdpl/model/impl/kiosk.ipp>
#include <pbgdpl/model/impl/report.ipp>
#include <pbgdpl/model/impl/training.ipp>
#include <pbgdpl/model/impl/channel.ipp>
#include <pbgdpl/model/impl/dataset.ipp>
#include <pbgdpl/model/impl/report_rollup.ipp>
#include <pbgdpl/model/impl/webhook.ipp>
#include <pbgdpl/model/impl/compliance.ipp>
#include <pbgdpl/model/impl/aggregation.ipp>
#include <pbgdpl/model/impl/syndication.ipp>
#include <pbgdpl/model/impl/signage_ops.ipp>
