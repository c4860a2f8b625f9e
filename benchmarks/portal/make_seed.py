#!/usr/bin/env python3
"""Writes N generated, published Vietnamese articles for the portal benchmark (Markdown bodies of
about 2-5 KB, spread over the division and its schools, authors taken from accounts.json) as
OUT_DIR/articles-NNN.json files of 1,000 articles each: one file of 10,000 would exceed the
library's JSON size limit (PBGDPL_MAX_JSON_BYTES), so pbgdpl_portal_bench_load adds them to the
seed. Deterministic: the same N and --seed give the same bytes.

Usage: make_seed.py SRC_SEED_DIR OUT_DIR [--count 10000] [--seed 5] [--span-days D] [--body MIN MAX]
  --span-days D spreads the articles evenly over D days from 5 Sept 2021 (default: one every 7
  hours, which at 1,000,000 articles would publish most of them centuries ahead); --body sets the
  Markdown body's byte range (default 2000 5000; run_1m.sh uses smaller bodies to load faster).
"""
import argparse
import datetime as dt
import json
import random
import shutil
from pathlib import Path

KINDS = [
    ("activity_news", "Tin tức hoạt động"),
    ("in_depth", "Bài viết chuyên sâu"),
    ("question_answer", "Hỏi đáp, tư vấn pháp luật"),
    ("policy_dialogue", "Đối thoại chính sách - pháp luật"),
    ("publication", "Tài liệu, ấn phẩm"),
]
TOPICS = [
    "an toàn giao thông", "phòng chống bạo lực học đường", "bảo vệ môi trường",
    "phòng chống ma túy", "quyền trẻ em", "an toàn trên không gian mạng",
    "phòng cháy chữa cháy", "phòng chống đuối nước", "Luật Giáo dục", "Luật Trẻ em",
    "Luật An ninh mạng", "văn hóa ứng xử trong trường học", "phòng chống xâm hại trẻ em",
    "Luật Phòng, chống tác hại của rượu, bia", "quyền và nghĩa vụ của công dân",
]
ACTIVITIES = [
    "tổ chức tiết chào cờ chuyên đề", "phát động cuộc thi tìm hiểu pháp luật",
    "mời cán bộ công an phường nói chuyện", "tổ chức sân khấu hóa tình huống pháp luật",
    "triển khai buổi sinh hoạt ngoại khóa", "phối hợp với hội cha mẹ học sinh tuyên truyền",
    "tổ chức hội thi rung chuông vàng", "xây dựng tủ sách pháp luật của lớp",
    "tổ chức diễn đàn học sinh", "phát tờ gấp tuyên truyền đến từng gia đình",
]
SENTENCES = [
    "Hoạt động nhằm nâng cao nhận thức và ý thức chấp hành pháp luật của học sinh, giáo viên và nhân viên nhà trường.",
    "Các em học sinh tham gia sôi nổi, mạnh dạn đặt câu hỏi và chia sẻ những tình huống gặp trong cuộc sống hằng ngày.",
    "Ban giám hiệu nhà trường đã quán triệt kế hoạch, phân công nhiệm vụ cụ thể cho từng tổ chuyên môn và giáo viên chủ nhiệm.",
    "Nội dung tuyên truyền được lồng ghép vào các môn học, hoạt động trải nghiệm và sinh hoạt lớp.",
    "Thông qua hoạt động, học sinh hiểu rõ hơn quyền, nghĩa vụ của mình và biết cách tự bảo vệ bản thân.",
    "Phòng Giáo dục và Đào tạo đề nghị các đơn vị tiếp tục duy trì, nhân rộng các mô hình hiệu quả.",
    "Nhiều gia đình đã phối hợp chặt chẽ với nhà trường trong việc nhắc nhở, giáo dục con em.",
    "Kết quả hoạt động được tổng hợp, báo cáo về Phòng Giáo dục và Đào tạo theo đúng thời hạn quy định.",
    "Giáo viên đã chuẩn bị tài liệu, hình ảnh minh họa sinh động, phù hợp với lứa tuổi học sinh.",
    "Cuối buổi, nhà trường trao giấy khen cho các tập thể và cá nhân có thành tích xuất sắc.",
    "Đây là hoạt động thường xuyên, góp phần xây dựng môi trường giáo dục an toàn, lành mạnh, thân thiện.",
    "Các văn bản quy phạm pháp luật mới được giới thiệu ngắn gọn, dễ hiểu, gắn với thực tiễn của nhà trường.",
]
ITEMS = [
    "Chấp hành nghiêm quy định khi tham gia giao thông;",
    "Không sử dụng điện thoại di động trong giờ học khi chưa được phép;",
    "Tôn trọng, giúp đỡ bạn bè, không nói tục, chửi bậy;",
    "Báo ngay cho thầy cô khi phát hiện hành vi bạo lực, xâm hại;",
    "Giữ gìn vệ sinh chung, bảo vệ cây xanh trong khuôn viên trường;",
    "Đội mũ bảo hiểm đạt chuẩn khi ngồi trên xe máy, xe đạp điện;",
    "Không chia sẻ thông tin cá nhân trên mạng xã hội với người lạ;",
    "Tham gia đầy đủ các buổi sinh hoạt chuyên đề do nhà trường tổ chức.",
]
HEADINGS = ["Mục đích, yêu cầu", "Nội dung hoạt động", "Kết quả đạt được", "Một số lưu ý", "Phương hướng thời gian tới"]
QUESTIONS = [
    "Học sinh chưa đủ 16 tuổi có được điều khiển xe máy điện không?",
    "Hành vi bắt nạt bạn trên mạng xã hội bị xử lý như thế nào?",
    "Cha mẹ có trách nhiệm gì khi con em vi phạm pháp luật?",
    "Nhà trường xử lý thế nào khi học sinh đánh nhau ngoài cổng trường?",
]


def body(rng, kind, topic, unit_name, lo=2000, hi=5000):
    parts = []
    if kind == "question_answer":
        parts.append("**Hỏi:** " + rng.choice(QUESTIONS) + " (" + unit_name + ")")
        parts.append("**Trả lời:** " + " ".join(rng.sample(SENTENCES, 3)))
    else:
        parts.append(f"Thực hiện kế hoạch phổ biến, giáo dục pháp luật năm học, {unit_name} đã "
                     f"{rng.choice(ACTIVITIES)} với chủ đề **“{topic}”**.")
    target = rng.randint(lo, hi)
    while len("\n\n".join(parts).encode()) < target:
        parts.append("## " + rng.choice(HEADINGS))
        parts.append(" ".join(rng.sample(SENTENCES, rng.randint(2, 4))))
        if rng.random() < 0.6:
            parts.append("\n".join("- " + s for s in rng.sample(ITEMS, rng.randint(3, 5))))
        if rng.random() < 0.3:
            parts.append(f"> {rng.choice(SENTENCES)}")
        if rng.random() < 0.3:
            parts.append(f"Xem thêm tài liệu tại [trang pháp luật quốc gia](https://phapluat.gov.vn/) về {topic}.")
    text = "\n\n".join(parts)
    while len(text.encode()) > hi and "\n\n" in text:  # trim whole paragraphs so the Markdown stays well formed
        text = text.rsplit("\n\n", 1)[0]
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--span-days", type=float, default=0)
    ap.add_argument("--body", type=int, nargs=2, default=[2000, 5000])
    a = ap.parse_args()
    src, out = Path(a.src), Path(a.out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = random.Random(a.seed)
    units = json.loads((src / "units.json").read_text(encoding="utf-8"))
    division = next(u for u in units if u.get("kind") == "education_division")
    spread = [division] + [u for u in units if u.get("parent") == division["id"]]
    accounts = json.loads((src / "accounts.json").read_text(encoding="utf-8"))
    authors = [x["id"] for x in accounts if "editor" in x["id"]] or [x["id"] for x in accounts]
    articles = []
    start = dt.datetime(2021, 9, 5, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    step = dt.timedelta(days=a.span_days) / a.count if a.span_days > 0 else dt.timedelta(hours=7)
    for i in range(a.count):
        kind, category = rng.choice(KINDS)
        u = spread[i % len(spread)]
        topic = rng.choice(TOPICS)
        title = f"{u['name']} {rng.choice(ACTIVITIES)} về {topic} (số {i + 1})"
        created = start + step * i
        published = created + dt.timedelta(hours=2)
        articles.append({
            "id": f"bench-{i + 1:05d}",
            "kind": kind,
            "title": title,
            "slug": f"bench-{i + 1:05d}",
            "summary": f"{u['name']} {rng.choice(ACTIVITIES)}: {topic}.",
            "body_markdown": body(rng, kind, topic, u["name"], *a.body),
            "category": category,
            "tags": rng.sample(TOPICS, 2),
            "unit": u["id"],
            "author": rng.choice(authors),
            "state": "published",
            "created_at": created.isoformat(),
            "updated_at": published.isoformat(),
            "revision": 1,
            "documents": [],
            "published_at": published.isoformat(),
            "schema_version": 1,
            "version": 1,
        })
    for n, first in enumerate(range(0, len(articles), 1000)):
        chunk = articles[first:first + 1000]
        (out / f"articles-{n:03d}.json").write_text(json.dumps(chunk, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
