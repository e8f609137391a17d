"""The framework the product ships: seed 000 (District 12 union guideline for the 2023–2027 phase),
section III.1, word for word. Units publish their own per year, starting from a copy of it."""

PHASE = ("2023–2027", 2023, 2027)
NAME = "Khung Chương trình rèn luyện đoàn viên giai đoạn 2023 – 2027 (mặc định)"

# (code, name, [(text, sector, audience, mandatory)]); the audience is the member group the
# criterion is offered to (members.models.Audience), empty for everyone: the pupils' and the
# teachers' items of III.1.3, and the item III.1.2 marks "(đối với cán bộ Đoàn)".
AREAS = [
    (
        "1",
        "Rèn luyện về lý tưởng cách mạng, nhận thức chính trị",
        [
            ("Học tập các Nghị quyết, các kết luận của Đảng, của Đoàn.", "", "", False),
            (
                "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh thực hiện Kết luận số "
                "01-KL/TW ngày 18/5/2021 của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số 05-CT/TW ngày "
                "15/5/2016 của Bộ Chính trị khóa XII gắn với nhiệm vụ, công việc, hành động cụ thể trong "
                "cuộc sống hàng ngày của mỗi đoàn viên.",
                "",
                "",
                False,
            ),
            (
                "Tham gia đóng góp ý kiến xây dựng Đảng, góp ý đảng viên; nâng cao “sức đề kháng” trong "
                "việc nhận diện các biểu hiện, đấu tranh ngăn chặn, đẩy lùi tình trạng suy thoái về tư "
                "tưởng chính trị, đạo đức, lối sống, những biểu hiện “tự diễn biến”, “tự chuyển hóa” theo "
                "Kế hoạch số 460-KH/TWĐTN-BTC ngày 03/12/2021 của Ban Bí thư Trung ương Đoàn.",
                "",
                "",
                False,
            ),
            (
                "Học tập các bài học lý luận chính trị của Đoàn TNCS Hồ Chí Minh (theo hướng dẫn của Ban "
                "Bí thư Trung ương Đoàn).",
                "",
                "",
                False,
            ),
            (
                "Mạnh dạn đấu tranh với những luận điệu xuyên tạc, âm mưu “diễn biến hòa bình” nhằm phá "
                "hoại sự nghiệp của Đảng, của dân tộc; Khuyến khích tham gia các tổ nắm bắt dư luận tại "
                "địa phương, đơn vị.",
                "",
                "",
                False,
            ),
            (
                "Thường xuyên nắm bắt thông tin thời sự, chính trị, xã hội của địa phương, đất nước, khu "
                "vực và quốc tế trên các phương tiện thông tin đại chúng chính thống nắm bắt tình hình dư "
                "luận xã hội, tình hình an ninh tư tưởng của đoàn viên, thanh niên.",
                "",
                "",
                False,
            ),
            (
                "Tham gia các hoạt động xây dựng, bảo tồn và phát huy giá trị văn hóa, lịch sử của Việt "
                "Nam, của địa phương, đơn vị.",
                "",
                "",
                False,
            ),
            (
                "Tham gia quảng bá văn hóa, đất nước, con người Việt Nam đến với bạn bè quốc tế.",
                "overseas",
                "",
                False,
            ),
        ],
    ),
    (
        "2",
        "Rèn luyện về đạo đức, lối sống, tác phong đoàn viên",
        [
            (
                "Sống giản dị, lành mạnh, chân thành, biết lắng nghe, chia sẻ, cộng đồng trách nhiệm, "
                "không mắc các tệ nạn xã hội. Đăng ký học tập và rèn luyện ít nhất 01 kỹ năng thực hành "
                "xã hội (kỹ năng làm việc nhóm, kỹ năng quản lý, điều hành, kỹ năng giải quyết mâu thuẫn, "
                "kỹ năng ra quyết định, kỹ năng tìm kiếm và xử lý thông tin, kỹ năng trình bày...).",
                "",
                "",
                False,
            ),
            (
                "Xây dựng lối sống có văn hóa, nghĩa tình, trung thực, trách nhiệm; có tinh thần dũng cảm "
                "bảo vệ cái đúng, tiến bộ; Yêu thương quý trọng con người, sống có văn hoá, nghĩa tình, "
                "trung thực, trách nhiệm, nhân ái; có tinh thần dũng cảm bảo vệ cái đúng, tiến bộ; đấu "
                "tranh với cái sai, lạc hậu, cản trở sự phát triển gắn với việc thực hiện cuộc vận động "
                "“Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp”.",
                "",
                "",
                False,
            ),
            (
                "Tích cực rèn luyện theo các tiêu chí xây dựng giá trị mẫu hình thanh niên Thành phố Hồ "
                "Chí Minh giai đoạn 2023 - 2027 và xây dựng Phong cách cán bộ Đoàn TNCS Hồ Chí Minh Quận "
                "12 giai đoạn 2023 - 2027 (đối với cán bộ Đoàn)",
                "",
                "cadre",
                False,
            ),
            (
                "Nói đi đôi với làm; nói thật, làm thật; trung thực, tận tụy phục vụ nhân dân, tôn trọng "
                "nhân dân, liên hệ chặt chẽ với nhân dân; Đoàn kết, thẳng thắn, nghiêm túc trong tự phê "
                "bình và phê bình.",
                "",
                "",
                False,
            ),
            (
                "Nghiêm chỉnh chấp hành pháp luật; vận động gia đình, bạn bè cùng tham gia thực hiện.",
                "",
                "",
                False,
            ),
        ],
    ),
    (
        "3",
        "Rèn luyện về chuyên môn, nghiệp vụ",
        [
            (
                "Nêu cao tinh thần trách nhiệm, tận tụy với công việc; sẵn sàng đảm nhận và hoàn thành "
                "tốt các nhiệm vụ được giao.",
                "",
                "",
                True,
            ),
            (
                "Chủ động đề xuất các ý tưởng, sáng kiến, giải pháp hữu ích trong công việc để nâng cao "
                "hiệu quả, hiệu suất lao động; ứng dụng khoa học công nghệ vào công việc, lao động, sản "
                "xuất.",
                "",
                "",
                True,
            ),
            ("Phát huy chuyên môn trong các hoạt động tình nguyện.", "", "", True),
            (
                "Chủ động xác định mục tiêu trong việc học tập nâng cao trình độ chuyên môn và nghiệp vụ; "
                "thường xuyên học tập, nâng cao trình độ ngoại ngữ, tin học, sử dụng công nghệ số.",
                "",
                "",
                True,
            ),
            (
                "Rèn luyện gắn với phong trào “Học sinh 3 rèn luyện”, “Học sinh 3 tốt”,... Tích cực học "
                "tập, tham gia nghiên cứu khoa học, thi tay nghề, tham gia sinh hoạt các câu lạc bộ học "
                "thuật.",
                "school",
                "student",
                False,
            ),
            (
                "Gắn việc rèn luyện với nỗ lực thực hiện nhiệm vụ chuyên môn, tích cực học tập, nâng cao "
                "trình độ trong giảng dạy, nghiên cứu khoa học, xây dựng hình ảnh nhà giáo mẫu mực.",
                "school",
                "teacher",
                False,
            ),
            (
                "Tích cực thực hiện phong trào “3 trách nhiệm”; nghiêm túc, cầu thị, tận tâm với công "
                "việc; thường xuyên rèn luyện nâng cao trình độ chuyên môn, tiên phong trong chuẩn hóa "
                "các văn bản, tham gia cải cách hành chính, sáng tạo đề xuất ý tưởng, sáng kiến, giải "
                "pháp hữu ích phục vụ nhân dân, xã hội...; nâng cao trình độ tay nghề, kỹ năng nghề "
                "nghiệp, ứng dụng công nghệ số để nâng cao hiệu quả lao động, sản xuất kinh doanh; chấp "
                "hành kỷ luật lao động, tích cực tham gia các hoạt động chung sức vì cộng đồng.",
                "workers",
                "",
                False,
            ),
            (
                "Tích cực tham gia các hoạt động nhằm góp phần giải quyết các nhiệm vụ chính trị tại địa "
                "phương; tích cực khởi nghiệp, lập nghiệp, làm kinh tế, lao động sản xuất; đề xuất giải "
                "pháp, ý tưởng, sáng kiến trong việc xây dựng địa phương ngày càng phát triển, hiện đại, "
                "nghĩa tình...",
                "residential",
                "",
                False,
            ),
            (
                "Tích cực rèn luyện nâng cao trình độ kỹ thuật, chiến thuật, khả năng sẵn sàng chiến đấu; "
                "xây dựng lực lượng vũ trang cách mạng, chính quy, tinh nhuệ, từng bước hiện đại. Tham "
                "gia đấu tranh phòng, chống tội phạm, xung kích, sáng tạo, tình nguyện, lập công giữ vững "
                "an ninh quốc phòng, bảo đảm trật tự, an toàn xã hội.",
                "armed_forces",
                "",
                False,
            ),
            ("Tích cực học tập, lao động, rèn luyện.", "overseas", "", False),
        ],
    ),
    (
        "4",
        "Rèn luyện về sức khỏe, kỹ năng thực hành xã hội",
        [
            (
                "Tham gia chơi ít nhất một môn thể thao, có chế độ rèn luyện thường xuyên.",
                "",
                "",
                False,
            ),
            (
                "Tích cực tham gia các phong trào thể dục thể thao quần chúng tại địa phương, đơn vị.",
                "",
                "",
                False,
            ),
            (
                "Không sử dụng ma túy, các chất gây nghiện và không hút thuốc lá. Hạn chế uống bia, rượu "
                "(đối với đoàn viên dưới 18 tuổi không sử dụng rượu, bia, thuốc lá).",
                "",
                "",
                False,
            ),
            (
                "Mỗi Đoàn viên đăng ký rèn luyện 01 kỹ năng mềm mới như kỹ năng thuyết trình, kỹ năng nói "
                "trước đám đông, kỹ năng làm việc nhóm; kỹ năng lái xe an toàn...",
                "",
                "",
                False,
            ),
        ],
    ),
    (
        "5",
        "Rèn luyện ý thức trong xây dựng tổ chức Đoàn",
        [
            (
                "Tham dự đầy đủ, tích cực đóng góp ý kiến tại các buổi sinh hoạt Chi đoàn, đóng đoàn phí "
                "đầy đủ.",
                "",
                "",
                False,
            ),
            (
                "Chấp hành sự phân công của Ban Chấp hành Chi đoàn; tham gia các hoạt động do Đoàn tổ "
                "chức, các hoạt động tình nguyện, các cuộc vận động do Trung ương Đoàn và đoàn cấp trên "
                "phát động.",
                "",
                "",
                False,
            ),
            (
                "Thực hiện chủ trương 1+1, vận động được ít nhất 01 thanh niên tham gia vào tổ chức Đoàn, "
                "Hội.",
                "",
                "",
                False,
            ),
            (
                "Phát ngôn đúng quan điểm, chủ trương của Đảng, của Đoàn; xây dựng kỹ năng nắm bắt thông "
                "tin dư luận xã hội, khả năng phản biện xã hội nhằm bảo vệ quyền và lợi ích hợp pháp, "
                "chính đáng của tổ chức Đoàn, cán bộ Đoàn và đoàn viên, thanh thiếu nhi, nhất là trên "
                "không gian mạng.",
                "",
                "",
                False,
            ),
            (
                "Tham gia các hoạt động Đoàn, Hội ở nước ngoài, các hoạt động tình nguyện hướng về Tổ "
                "quốc, hoạt động do Đại sứ quán Việt Nam ở nước sở tại tổ chức.",
                "overseas",
                "",
                False,
            ),
        ],
    ),
]


def install(phase_model, framework_model, area_model, criterion_model):
    """Create the default framework once (used by the data migration and by tests)."""
    name, first, last = PHASE
    phase, _ = phase_model.objects.get_or_create(
        name=name, defaults={"first_year": first, "last_year": last}
    )
    if framework_model.objects.filter(unit__isnull=True, phase=phase).exists():
        return
    framework = framework_model.objects.create(phase=phase, unit=None, year=None, name=NAME)
    for order, (code, area_name, criteria) in enumerate(AREAS, start=1):
        area_model.objects.create(framework=framework, code=code, name=area_name, order=order)
        for i, (text, sector, audience, mandatory) in enumerate(criteria, start=1):
            criterion_model.objects.create(
                framework=framework,
                area_code=code,
                text=text,
                sector=sector,
                audience=audience,
                mandatory=mandatory,
                order=i,
            )
