"""The demo tour: InnoHealth China's Matchmaking Tour with the institutions, speakers and
supporters the source article names. Tandems, investors and people are visibly fictional."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import translation

from .enums import (
    ACTIVE_REGISTRATION_STATUSES,
    Direction,
    InstitutionKind,
    MemberRole,
    Seeking,
    SessionKind,
    TourStatus,
)
from .models import (
    FollowUp,
    Institution,
    Meeting,
    MeetingRequest,
    Registration,
    Representative,
    Session,
    Speaker,
    Supporter,
    SupportingOffice,
    Tandem,
    TandemMember,
    Topic,
    Tour,
    TourDay,
    User,
    VideoProvider,
)
from .models.consent import CURRENT_CONSENT_VERSION
from .models.languages import LANGUAGE_CODES, localized
from .roles import ORGANISERS_GROUP
from .services.consent import give_consent
from .services.followups import create_follow_up
from .services.outcomes import record_outcome
from .services.registrations import register_for_session
from .services.requests import accept_request, request_meeting

DEMO_PASSWORD = "innohealth-demo-2027"  # noqa: S105 - published in README for the demo
TOUR_SLUG = "innohealth-china"
NEXT_TOUR_SLUG = "innohealth-china-2028"
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
FIRST_DAY = date(2027, 3, 22)  # a week before Europe's change to summer time

TOPICS = [
    ("medical-imaging", "Medical imaging", "Medizinische Bildgebung", "医学影像"),
    ("ai-diagnostics", "AI diagnostics", "KI-Diagnostik", "人工智能诊断"),
    ("telemedicine", "Telemedicine", "Telemedizin", "远程医疗"),
    ("genomics", "Genomics", "Genomik", "基因组学"),
    ("precision-medicine", "Precision medicine", "Präzisionsmedizin", "精准医疗"),
    ("medical-robotics", "Medical robotics", "Medizinrobotik", "医疗机器人"),
    ("digital-therapeutics", "Digital therapeutics", "Digitale Therapeutika", "数字疗法"),
    ("wearables", "Wearables", "Wearables", "可穿戴设备"),
    ("health-data", "Health data", "Gesundheitsdaten", "健康数据"),
    ("microbiome", "Microbiome", "Mikrobiom", "微生物组"),
    ("vaccines", "Vaccines", "Impfstoffe", "疫苗"),
    ("pharmaceuticals", "Pharmaceuticals", "Pharmazeutika", "医药"),
    ("elderly-care", "Elderly care", "Altenpflege", "养老护理"),
    ("preventive-health", "Preventive health", "Gesundheitsvorsorge", "健康体检"),
]

# Cities and provinces in English, German and Chinese (Beijing and Shanghai are both).
PLACES = {
    "Beijing": ("Beijing", "Peking", "北京"),
    "Shenzhen": ("Shenzhen", "Shenzhen", "深圳"),
    "Hangzhou": ("Hangzhou", "Hangzhou", "杭州"),
    "Wuhan": ("Wuhan", "Wuhan", "武汉"),
    "Shanghai": ("Shanghai", "Shanghai", "上海"),
    "Guangdong": ("Guangdong", "Guangdong", "广东省"),
    "Zhejiang": ("Zhejiang", "Zhejiang", "浙江省"),
    "Hubei": ("Hubei", "Hubei", "湖北省"),
}

# slug, name, kind, city, province, topics, description; names and descriptions in English,
# German and Chinese. The institutions are those of the source article, the investors fictional.
INSTITUTIONS = [
    (
        "tsinghua",
        ("Tsinghua University", "Tsinghua-Universität", "清华大学"),
        InstitutionKind.UNIVERSITY,
        "Beijing",
        "Beijing",
        ["medical-imaging", "ai-diagnostics", "health-data"],
        (
            "One of China's leading research universities, with strong biomedical engineering.",
            "Eine der führenden Forschungsuniversitäten Chinas, stark in der biomedizinischen "
            "Technik.",
            "中国顶尖研究型大学之一，生物医学工程实力雄厚。",
        ),
    ),
    (
        "cas",
        (
            "Chinese Academy of Sciences",
            "Chinesische Akademie der Wissenschaften",
            "中国科学院",
        ),
        InstitutionKind.RESEARCH_INSTITUTE,
        "Beijing",
        "Beijing",
        ["vaccines", "genomics", "microbiome"],
        (
            "China's national academy for the natural sciences and its research institutes.",
            "Chinas nationale Akademie der Naturwissenschaften mit ihren Forschungsinstituten.",
            "中国自然科学最高学术机构及其研究所体系。",
        ),
    ),
    (
        "cas-microbiology",
        (
            "CAS Institute of Microbiology",
            "Institut für Mikrobiologie der CAS",
            "中国科学院微生物研究所",
        ),
        InstitutionKind.RESEARCH_INSTITUTE,
        "Beijing",
        "Beijing",
        ["microbiome", "vaccines", "pharmaceuticals"],
        (
            "Research on microbial resources, infection and immunity, and vaccines.",
            "Forschung zu mikrobiellen Ressourcen, Infektion und Immunität sowie Impfstoffen.",
            "从事微生物资源、感染与免疫及疫苗研究。",
        ),
    ),
    (
        "infervision",
        ("InferVision", "InferVision", "推想科技"),
        InstitutionKind.COMPANY,
        "Beijing",
        "Beijing",
        ["medical-imaging", "ai-diagnostics"],
        (
            "AI for medical imaging: lung, heart and brain diagnostics in hospitals.",
            "KI für die medizinische Bildgebung: Diagnostik von Lunge, Herz und Gehirn in "
            "Kliniken.",
            "医学影像人工智能：肺部、心脏和脑部辅助诊断。",
        ),
    ),
    (
        "bgi",
        ("BGI Group", "BGI Group", "华大集团"),
        InstitutionKind.COMPANY,
        "Shenzhen",
        "Guangdong",
        ["genomics", "precision-medicine", "health-data"],
        (
            "Genomics and life sciences: sequencing, precision medicine and public-health testing.",
            "Genomik und Lebenswissenschaften: Sequenzierung, Präzisionsmedizin und Tests für "
            "die öffentliche Gesundheit.",
            "基因组学与生命科学：测序、精准医学与公共卫生检测。",
        ),
    ),
    (
        "alibaba-damo",
        ("Alibaba DAMO Academy", "Alibaba DAMO Academy", "阿里巴巴达摩院"),
        InstitutionKind.RESEARCH_INSTITUTE,
        "Hangzhou",
        "Zhejiang",
        ["ai-diagnostics", "medical-imaging", "health-data"],
        (
            "Alibaba's research academy; its medical AI team works on imaging and diagnostics.",
            "Die Forschungsakademie von Alibaba; ihr Team für medizinische KI arbeitet an "
            "Bildgebung und Diagnostik.",
            "阿里巴巴的研究院，其医疗人工智能团队专注影像与诊断。",
        ),
    ),
    (
        "ikang",
        ("iKang Healthcare Group", "iKang Healthcare Group", "爱康集团"),
        InstitutionKind.HOSPITAL,
        "Beijing",
        "Beijing",
        ["preventive-health", "telemedicine", "health-data"],
        (
            "A nationwide network of medical examination and preventive-health centres.",
            "Ein landesweites Netz von Zentren für Vorsorgeuntersuchungen und Gesundheitsvorsorge.",
            "覆盖全国的体检与健康管理中心网络。",
        ),
    ),
    (
        "bmr-center",
        (
            "Beijing Medical Robotics Industry Innovation Center",
            "Innovationszentrum der Pekinger Medizinrobotik-Industrie",
            "北京医疗机器人产业创新中心",
        ),
        InstitutionKind.RESEARCH_INSTITUTE,
        "Beijing",
        "Beijing",
        ["medical-robotics"],
        (
            "Brings research, hospitals and industry together on surgical and rehabilitation "
            "robots.",
            "Bringt Forschung, Kliniken und Industrie bei Operations- und Rehabilitationsrobotern "
            "zusammen.",
            "联合科研、医院与产业，推动手术与康复机器人发展。",
        ),
    ),
    (
        "rits",
        (
            "Research Institute of Tsinghua University in Shenzhen",
            "Forschungsinstitut der Tsinghua-Universität in Shenzhen",
            "深圳清华大学研究院",
        ),
        InstitutionKind.RESEARCH_INSTITUTE,
        "Shenzhen",
        "Guangdong",
        ["medical-robotics", "wearables", "digital-therapeutics"],
        (
            "Tsinghua's applied-research and incubation platform in Shenzhen (RITS).",
            "Die Plattform der Tsinghua-Universität für angewandte Forschung und Gründungen in "
            "Shenzhen (RITS).",
            "清华大学在深圳的应用研究与孵化平台。",
        ),
    ),
    (
        "hubei-pharma",
        (
            "Pharmaceutical Association of Hubei Province",
            "Pharmaverband der Provinz Hubei",
            "湖北省医药行业协会",
        ),
        InstitutionKind.ASSOCIATION,
        "Wuhan",
        "Hubei",
        ["pharmaceuticals"],
        (
            "The association of Hubei's pharmaceutical companies.",
            "Der Verband der Pharmaunternehmen der Provinz Hubei.",
            "湖北省医药企业的行业协会。",
        ),
    ),
    (
        "nanshan",
        ("Nanshan District", "Bezirk Nanshan", "南山区"),
        InstitutionKind.GOVERNMENT,
        "Shenzhen",
        "Guangdong",
        ["health-data", "elderly-care"],
        (
            "Shenzhen's innovation district, home to many health-tech companies.",
            "Der Innovationsbezirk von Shenzhen mit vielen Unternehmen der Gesundheitstechnik.",
            "深圳的创新城区，聚集众多健康科技企业。",
        ),
    ),
    (
        "example-health-capital",
        (
            "Example Health Capital (fictional)",
            "Example Health Capital (fiktiv)",
            "示例健康资本（虚构）",
        ),
        InstitutionKind.INVESTOR,
        "Shanghai",
        "Shanghai",
        ["digital-therapeutics", "medical-robotics"],
        (
            "A fictional investor for the demo: early-stage digital-health funds.",
            "Ein fiktiver Investor der Demo: Frühphasenfonds für digitale Gesundheit.",
            "演示用虚构投资机构：数字医疗早期基金。",
        ),
    ),
    (
        "sample-med-ventures",
        (
            "Sample Med Ventures (fictional)",
            "Sample Med Ventures (fiktiv)",
            "样例医疗创投（虚构）",
        ),
        InstitutionKind.INVESTOR,
        "Shenzhen",
        "Guangdong",
        ["wearables", "ai-diagnostics"],
        (
            "A fictional investor for the demo: growth capital for medtech.",
            "Ein fiktiver Investor der Demo: Wachstumskapital für Medizintechnik.",
            "演示用虚构投资机构：医疗科技成长期资本。",
        ),
    ),
]

# name, title, position, organisation, institution, bio: the speakers the source article names,
# with their positions there; the bios say no more than the article does.
SPEAKERS = [
    (
        "Vicky Qi LI",
        ("Dr.", "Dr.", "博士"),
        ("Vice President", "Vizepräsidentin", "副总裁"),
        "Beijing Medical Robotics Industry Innovation Center",
        "bmr-center",
        (
            "Speaks on medical robotics in Beijing and how the innovation center brings research "
            "and industry together.",
            "Spricht über Medizinrobotik in Peking und darüber, wie das Innovationszentrum "
            "Forschung und Industrie zusammenbringt.",
            "介绍北京的医疗机器人发展，以及创新中心如何联合科研与产业。",
        ),
    ),
    (
        "Lianpan DAI",
        ("Prof. Dr.", "Prof. Dr.", "教授"),
        ("Professor", "Professor", "教授"),
        "Chinese Academy of Sciences",
        "cas",
        (
            "Speaks on vaccines and microbiology research at the Chinese Academy of Sciences.",
            "Spricht über Impfstoff- und Mikrobiologieforschung an der Chinesischen Akademie der "
            "Wissenschaften.",
            "介绍中国科学院的疫苗与微生物学研究。",
        ),
    ),
    (
        "Ying CHI",
        ("Dr.", "Dr.", "博士"),
        (
            "Director, DAMO Academy Medical AI",
            "Leitung Medizinische KI, DAMO Academy",
            "达摩院医疗人工智能负责人",
        ),
        "Alibaba DAMO Academy",
        "alibaba-damo",
        (
            "Opens the tour with a keynote on digital health and medical AI in China.",
            "Eröffnet die Tour mit einer Keynote zu digitaler Gesundheit und medizinischer KI in "
            "China.",
            "以中国数字健康与医疗人工智能为题作开幕主旨演讲。",
        ),
    ),
    (
        "Kuan CHEN",
        ("", "", ""),
        ("CEO and Founder", "CEO und Gründer", "首席执行官兼创始人"),
        "InferVision",
        "infervision",
        (
            "Shows how InferVision's AI supports medical imaging in hospitals.",
            "Zeigt, wie die KI von InferVision die medizinische Bildgebung in Kliniken "
            "unterstützt.",
            "展示推想科技的人工智能如何助力医院的医学影像诊断。",
        ),
    ),
]

SUPPORTERS = [
    ("AHK Greater China", "AHK Greater China", "德国工商大会大中华区"),
    (
        "Fraunhofer Representative Office Beijing",
        "Fraunhofer-Repräsentanz Peking",
        "弗劳恩霍夫北京代表处",
    ),
    ("Helmholtz Association", "Helmholtz-Gemeinschaft", "亥姆霍兹联合会"),
    (
        "Research Institute of Tsinghua University Shenzhen",
        "Forschungsinstitut der Tsinghua-Universität in Shenzhen",
        "深圳清华大学研究院",
    ),
    ("German Embassy", "Deutsche Botschaft", "德国驻华大使馆"),
    (
        "Germany Trade & Invest (GTAI), Trade Information Shanghai",
        "Germany Trade & Invest (GTAI), Außenwirtschaftsinformation Shanghai",
        "德国联邦外贸与投资署（GTAI）上海",
    ),
    (
        "CAS Institute of Microbiology",
        "Institut für Mikrobiologie der CAS",
        "中国科学院微生物研究所",
    ),
    (
        "Pharmaceutical Association of Hubei Province",
        "Pharmaverband der Provinz Hubei",
        "湖北省医药行业协会",
    ),
    ("Alibaba DAMO Academy", "Alibaba DAMO Academy", "阿里巴巴达摩院"),
    ("iKang Healthcare Group", "iKang Healthcare Group", "爱康集团"),
    ("BGI Group", "BGI Group", "华大集团"),
    ("Nanshan District", "Bezirk Nanshan", "深圳市南山区"),
    ("InferVision", "InferVision", "推想科技"),
]

# slug, name, project, topics, seeks, researcher, entrepreneur, research organisation, company;
# the project in English, German and Chinese
TANDEMS = [
    (
        "cardiosense",
        "CardioSense (demo)",
        (
            "AI-assisted ECG screening for rural clinics",
            "KI-gestütztes EKG-Screening für Landarztpraxen",
            "面向农村诊所的人工智能辅助心电图筛查",
        ),
        ["ai-diagnostics", "wearables", "telemedicine"],
        [Seeking.PILOT_SITE, Seeking.RD_COOPERATION],
        "Dr. Erika Mustermann",
        "Max Mustermann",
        "Example Institute for Digital Cardiology (fictional)",
        "CardioSense Beispiel GmbH (fictional)",
    ),
    (
        "lungscan",
        "LungScan (demo)",
        (
            "Low-dose CT triage with explainable AI",
            "Low-Dose-CT-Triage mit erklärbarer KI",
            "基于可解释人工智能的低剂量CT分诊",
        ),
        ["medical-imaging", "ai-diagnostics"],
        [Seeking.RD_COOPERATION, Seeking.MARKET_ENTRY],
        "Prof. Dr. Anna Beispiel",
        "Jonas Beispiel",
        "Sample University Hospital, Radiology (fictional)",
        "LungScan Demo AG (fictional)",
    ),
    (
        "genocare",
        "GenoCare (demo)",
        (
            "Genome-guided dosing for cancer therapy",
            "Genomgesteuerte Dosierung in der Krebstherapie",
            "基因组指导的肿瘤治疗剂量方案",
        ),
        ["genomics", "precision-medicine", "health-data"],
        [Seeking.CLINICAL_DATA, Seeking.RD_COOPERATION],
        "Dr. Lena Platzhalter",
        "Paul Platzhalter",
        "Placeholder Centre for Genomic Medicine (fictional)",
        "GenoCare Muster GmbH (fictional)",
    ),
    (
        "roboassist",
        "RoboAssist (demo)",
        (
            "A lightweight robot arm for rehabilitation at home",
            "Ein leichter Roboterarm für die Reha zu Hause",
            "用于居家康复的轻型机械臂",
        ),
        ["medical-robotics", "elderly-care"],
        [Seeking.MANUFACTURING, Seeking.INVESTMENT],
        "Dr. Sophie Probe",
        "Felix Probe",
        "Demo Institute for Rehabilitation Robotics (fictional)",
        "RoboAssist Probe GmbH (fictional)",
    ),
    (
        "biomecheck",
        "BiomeCheck (demo)",
        (
            "Microbiome tests for personalised nutrition therapy",
            "Mikrobiomtests für personalisierte Ernährungstherapie",
            "用于个性化营养治疗的微生物组检测",
        ),
        ["microbiome", "pharmaceuticals", "digital-therapeutics"],
        [Seeking.RD_COOPERATION, Seeking.INVESTMENT],
        "Dr. Clara Exempel",
        "Leon Exempel",
        "Exemplary Institute of Microbiology (fictional)",
        "BiomeCheck Demo UG (fictional)",
    ),
    (
        "careconnect",
        "CareConnect (demo)",
        (
            "Video consultations and sensors for elderly care",
            "Videosprechstunden und Sensorik für die Altenpflege",
            "面向养老护理的视频问诊与传感器",
        ),
        ["telemedicine", "elderly-care", "wearables"],
        [Seeking.PILOT_SITE, Seeking.MARKET_ENTRY],
        "Dr. Marie Fiktiv",
        "Tim Fiktiv",
        "Fictional Institute for Care Research",
        "CareConnect Fiktiv GmbH (fictional)",
    ),
]

# Every demo tandem says in its summary, in each language, that it is made up.
FICTIONAL_TANDEM = (
    "A fictional tandem of the demo tour.",
    "Ein fiktives Tandem der Demo-Tour.",
    "（演示用虚构科研-创业组合）",
)

# day (0-3), start (Berlin), minutes, kind, title, description (both in English, German and
# Chinese), host, speakers (names), tandems ("*" = all), institutions
SESSIONS = [
    (
        0,
        time(7, 0),
        60,
        SessionKind.KEYNOTE,
        (
            "Opening keynote: digital health in China",
            "Eröffnungs-Keynote: digitale Gesundheit in China",
            "开幕主旨演讲：中国的数字健康",
        ),
        (
            "The tour opens with a look at China's digital-health landscape and medical AI.",
            "Die Tour beginnt mit einem Blick auf Chinas digitale Gesundheitslandschaft und "
            "medizinische KI.",
            "考察以中国数字健康格局与医疗人工智能概览开幕。",
        ),
        "alibaba-damo",
        ["Ying CHI"],
        "*",
        ["alibaba-damo", "tsinghua", "cas"],
    ),
    (
        0,
        time(12, 0),
        60,
        SessionKind.PRESENTATION,
        ("Tandem presentations I", "Tandem-Präsentationen I", "德国团队项目介绍（一）"),
        (
            "Three German tandems present their projects to Chinese partners.",
            "Drei deutsche Tandems stellen chinesischen Partnern ihre Projekte vor.",
            "三个德国团队向中方合作伙伴介绍各自的项目。",
        ),
        None,
        [],
        ["cardiosense", "lungscan", "genocare"],
        ["infervision", "tsinghua", "alibaba-damo", "bgi"],
    ),
    (
        1,
        time(7, 0),
        60,
        SessionKind.PRESENTATION,
        ("Medical robotics in Beijing", "Medizinrobotik in Peking", "北京的医疗机器人"),
        (
            "How research, hospitals and industry in Beijing develop medical robots together.",
            "Wie Forschung, Kliniken und Industrie in Peking gemeinsam Medizinroboter entwickeln.",
            "北京的科研机构、医院与产业如何共同研发医疗机器人。",
        ),
        "bmr-center",
        ["Vicky Qi LI"],
        "*",
        ["bmr-center", "rits"],
    ),
    (
        1,
        time(12, 0),
        60,
        SessionKind.SHOWCASE,
        (
            "Showcase: AI in medical imaging",
            "Showcase: KI in der medizinischen Bildgebung",
            "案例展示：医学影像中的人工智能",
        ),
        (
            "AI-supported diagnostics from medical images, shown on real products.",
            "KI-gestützte Diagnostik aus medizinischen Bildern, gezeigt an echten Produkten.",
            "以实际产品展示基于医学影像的人工智能辅助诊断。",
        ),
        "infervision",
        ["Kuan CHEN"],
        ["lungscan", "cardiosense"],
        ["infervision"],
    ),
    (
        1,
        time(13, 0),
        60,
        SessionKind.PRESENTATION,
        ("Tandem presentations II", "Tandem-Präsentationen II", "德国团队项目介绍（二）"),
        (
            "The other three German tandems present their projects.",
            "Die anderen drei deutschen Tandems stellen ihre Projekte vor.",
            "另外三个德国团队介绍各自的项目。",
        ),
        None,
        [],
        ["roboassist", "biomecheck", "careconnect"],
        ["rits", "ikang", "hubei-pharma", "cas-microbiology"],
    ),
    (
        2,
        time(7, 0),
        60,
        SessionKind.COMPANY_VISIT,
        (
            "Virtual company visit: BGI Group",
            "Virtueller Unternehmensbesuch: BGI Group",
            "线上企业参访：华大集团",
        ),
        (
            "A virtual visit to BGI Group: genomics and precision medicine.",
            "Ein virtueller Besuch bei der BGI Group: Genomik und Präzisionsmedizin.",
            "线上参访华大集团：基因组学与精准医学。",
        ),
        "bgi",
        [],
        "*",
        ["bgi"],
    ),
    (
        2,
        time(10, 0),
        60,
        SessionKind.COMPANY_VISIT,
        (
            "Virtual company visit: iKang Healthcare Group",
            "Virtueller Unternehmensbesuch: iKang Healthcare Group",
            "线上企业参访：爱康集团",
        ),
        (
            "A virtual visit to iKang's medical examination and preventive-health centres.",
            "Ein virtueller Besuch in den Vorsorgezentren von iKang.",
            "线上参访爱康集团的体检与健康管理中心。",
        ),
        "ikang",
        [],
        ["careconnect", "cardiosense"],
        ["ikang"],
    ),
    (
        2,
        time(12, 0),
        60,
        SessionKind.PRESENTATION,
        (
            "Vaccines and microbiology research at CAS",
            "Impfstoff- und Mikrobiologieforschung an der CAS",
            "中国科学院的疫苗与微生物学研究",
        ),
        (
            "Research on vaccines and microbiology at the Chinese Academy of Sciences.",
            "Forschung zu Impfstoffen und Mikrobiologie an der Chinesischen Akademie der "
            "Wissenschaften.",
            "中国科学院在疫苗与微生物学领域的研究。",
        ),
        "cas-microbiology",
        ["Lianpan DAI"],
        ["biomecheck", "genocare"],
        ["cas", "cas-microbiology"],
    ),
    (
        3,
        time(7, 0),
        60,
        SessionKind.INVESTOR_MEETING,
        (
            "Meeting with potential investors",
            "Treffen mit potenziellen Investoren",
            "与潜在投资方会面",
        ),
        (
            "The tandems meet potential investors (fictional in this demo).",
            "Die Tandems treffen potenzielle Investoren (in dieser Demo fiktiv).",
            "德国团队与潜在投资方会面（本演示中的投资方为虚构）。",
        ),
        None,
        [],
        "*",
        ["example-health-capital", "sample-med-ventures"],
    ),
    (
        3,
        time(12, 0),
        90,
        SessionKind.ROUNDTABLE,
        (
            "German-Chinese roundtable, at the invitation of RITS",
            "Deutsch-chinesischer Roundtable auf Einladung des RITS",
            "中德圆桌会议（深圳清华大学研究院邀请）",
        ),
        (
            "German and Chinese participants discuss cooperation in digital health.",
            "Deutsche und chinesische Teilnehmende sprechen über Zusammenarbeit in der "
            "digitalen Gesundheit.",
            "中德双方围绕数字健康领域的合作展开交流。",
        ),
        "rits",
        [],
        "*",
        ["rits", "nanshan", "tsinghua", "hubei-pharma"],
    ),
    (
        3,
        time(13, 30),
        30,
        SessionKind.NETWORKING,
        ("Closing networking", "Abschließendes Networking", "闭幕交流"),
        (
            "Time to exchange contacts before the tour ends.",
            "Zeit zum Austausch von Kontakten vor dem Ende der Tour.",
            "考察结束前交换联系方式。",
        ),
        None,
        [],
        [],  # by registration
        [],
    ),
]

# tandem, institution, direction, message, accepted — none of CardioSense, whose journey the
# browser tests walk
REQUESTS = [
    (
        "lungscan",
        "infervision",
        Direction.TANDEM_TO_INSTITUTION,
        "We would like to compare our CT triage model with your lung nodule products.",
        False,
    ),
    (
        "genocare",
        "bgi",
        Direction.TANDEM_TO_INSTITUTION,
        "Could we discuss a joint study on genome-guided dosing?",
        True,
    ),
    (
        "roboassist",
        "bmr-center",
        Direction.TANDEM_TO_INSTITUTION,
        "We look for a manufacturing partner for our rehabilitation arm.",
        False,
    ),
    (
        "careconnect",
        "ikang",
        Direction.INSTITUTION_TO_TANDEM,
        "iKang would like to learn about your elderly-care pilot.",
        True,
    ),
    (
        "biomecheck",
        "tsinghua",
        Direction.TANDEM_TO_INSTITUTION,
        "We would like to validate our microbiome analysis with Tsinghua's life-science group.",
        True,
    ),
]

# What came of two meetings, as their sides answered as if after them (the tour itself lies
# ahead): tandem, institution, the tandem's and the partner's answer (attendance, result; None:
# no answer). CareConnect and iKang differ on the result; Tsinghua has not answered yet.
OUTCOMES = [
    ("careconnect", "ikang", ("held", "pilot"), ("held", "follow_up")),
    ("biomecheck", "tsinghua", ("held", "joint_proposal"), None),
]


# Registrations: session title → its capacity and the parties in the order they registered
# ("tandem:<slug>" or "institution:<slug>"); beyond the capacity they wait. None of CardioSense
# or BGI Group, whose journeys the browser tests walk. Other sessions have 60 places.
REGISTRATIONS = {
    "Virtual company visit: iKang Healthcare Group": (
        3,
        ["tandem:lungscan", "tandem:genocare", "tandem:roboassist", "tandem:biomecheck"],
    ),
    "Closing networking": (
        4,
        [
            "institution:infervision",
            "institution:tsinghua",
            "tandem:genocare",
            "institution:alibaba-damo",
            "institution:ikang",
        ],
    ),
}


def _berlin(day: int, at: time) -> datetime:
    return datetime.combine(FIRST_DAY + timedelta(days=day), at, tzinfo=BERLIN)


def _user(email: str, name: str, *, language: str, time_zone: str, **flags) -> User:
    user, created = User.objects.update_or_create(
        email=email,
        defaults={"display_name": name, "language": language, "time_zone": time_zone, **flags},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    # The demo's people agreed to be shown across the border, so the demo shows profiles.
    give_consent(user=user, version=CURRENT_CONSENT_VERSION, language=language)
    return user


def _in_languages(field: str, texts: tuple[str, str, str]) -> dict:
    """``("Peking", …)`` for ``city`` → ``{"city_en": …, "city_de": …, "city_zh_hans": …}``."""
    return dict(zip(localized(field), texts, strict=True))


def _next_edition(returning_partner: Institution) -> Tour:
    """The 2028 edition in preparation: a returning researcher joins a new tandem, and a partner
    of 2027 comes back with its representative (who sees it once it opens)."""
    tour, _ = Tour.objects.update_or_create(
        slug=NEXT_TOUR_SLUG,
        defaults={
            **_in_languages(
                "name",
                (
                    "InnoHealth China 2028 — Matchmaking Tour",
                    "InnoHealth China 2028 – Matchmaking-Tour",
                    "InnoHealth China 2028 中德数字健康对接之旅",
                ),
            ),
            **_in_languages(
                "description",
                (
                    "The next edition, in preparation.",
                    "Die nächste Ausgabe, in Vorbereitung.",
                    "下一届活动，筹备中。",
                ),
            ),
            "status": TourStatus.DRAFT,
            "slot_minutes": 30,
        },
    )
    tandem, _ = Tandem.objects.update_or_create(
        tour=tour,
        slug="neurobridge",
        defaults={
            "name": "NeuroBridge (demo)",
            **_in_languages(
                "project_title",
                (
                    "Speech markers for early dementia screening",
                    "Sprachmarker für die Früherkennung von Demenz",
                    "用语音标志物进行早期痴呆筛查",
                ),
            ),
            **_in_languages(
                "summary",
                (
                    "Speech markers for early dementia screening. A fictional tandem.",
                    "Sprachmarker für die Früherkennung von Demenz. Ein fiktives Tandem.",
                    "用语音标志物进行早期痴呆筛查（演示用虚构科研-创业组合）",
                ),
            ),
            "research_organisation": "Fictional Institute for Digital Neurology",
            "company": "NeuroBridge Demo GmbH",
        },
    )
    returning = User.objects.get(email="researcher1@tandem.example")
    newcomer = _user(
        "entrepreneur7@tandem.example",
        "Nora Neumann (demo)",
        language="de",
        time_zone="Europe/Berlin",
    )
    for user, role in ((returning, MemberRole.RESEARCHER), (newcomer, MemberRole.ENTREPRENEUR)):
        TandemMember.objects.update_or_create(
            user=user, tour=tour, defaults={"tandem": tandem, "role": role}
        )
    returning_partner.tours.add(tour)
    Representative.objects.update_or_create(
        user=User.objects.get(email=f"{returning_partner.slug}@partner.example"),
        tour=tour,
        defaults={"institution": returning_partner, "position": "International office"},
    )
    return tour


def _registrations(tour: Tour, tandems: dict, institutions: dict) -> None:
    """Parties registered through the service, as if they had done it themselves; a party
    already registered (a second load) is left as it is."""
    for title, (_capacity, parties) in REGISTRATIONS.items():
        session = Session.objects.get(tour=tour, title_en=title)
        for party in parties:
            side, slug = party.split(":")
            if side == "tandem":
                target = {"tandem": tandems[slug]}
                actor = tandems[slug].members.first().user
            else:
                target = {"institution": institutions[slug]}
                actor = institutions[slug].representatives.filter(tour=tour).first().user
            if not Registration.objects.filter(
                session=session, status__in=ACTIVE_REGISTRATION_STATUSES, **target
            ).exists():
                register_for_session(actor=actor, session=session, **target)


def _outcomes(tour: Tour, tandems: dict, institutions: dict) -> None:
    """Answers through the service, an hour after each meeting's end; an answer given before (a
    second load) is not written again."""
    for tandem_slug, institution_slug, *answers in OUTCOMES:
        meeting = Meeting.objects.get(
            tour=tour, tandem=tandems[tandem_slug], institution=institutions[institution_slug]
        )
        sides = (
            tandems[tandem_slug].members.first().user,
            institutions[institution_slug].representatives.filter(tour=tour).first().user,
        )
        for person, answer in zip(sides, answers, strict=True):
            if answer is not None:
                record_outcome(
                    actor=person,
                    meeting=meeting,
                    attendance=answer[0],
                    result=answer[1],
                    now=meeting.ends_at + timedelta(hours=1),
                )


# After the tour: the two offices of the seed that continue the contacts, and a next step of
# each accepted contact: (tandem, institution, next step, days until due).
OFFICES = [
    ("AHK Greater China", "ahk@office.example", "de"),
    ("Fraunhofer Representative Office Beijing", "fraunhofer-beijing@office.example", "en"),
]
FOLLOW_UPS = [
    ("genocare", "bgi", "Send the draft of a joint study protocol on genome-guided dosing", 10),
    ("careconnect", "ikang", "Agree on two iKang centres for the elderly-care pilot", 21),
]


def _follow_ups(tour: Tour, tandems: dict, institutions: dict) -> None:
    for name, email, language in OFFICES:
        office, _ = SupportingOffice.objects.get_or_create(name=name)
        office.tours.add(tour)
        office.people.add(
            _user(email, f"{name} (demo)", language=language, time_zone="Asia/Shanghai")
        )
    for tandem_slug, institution_slug, next_step, days in FOLLOW_UPS:
        tandem, institution = tandems[tandem_slug], institutions[institution_slug]
        if FollowUp.objects.filter(tandem=tandem, institution=institution).exists():
            continue
        member = tandem.members.first().user
        create_follow_up(
            actor=member,
            tandem=tandem,
            institution=institution,
            next_step=next_step,
            owner=member,
            due_on=date.today() + timedelta(days=days),
        )


def _video_providers(tour: Tour) -> None:
    """The portal's own Jitsi opens every meeting's room; partners may switch to a service that
    works well from China."""
    jitsi_host = urlsplit(settings.VIDEO_BASE_URL).hostname or ""
    rows = [
        ("Jitsi (InnoHealth)", jitsi_host, settings.VIDEO_BASE_URL, True),
        ("Tencent Meeting / VooV", "meeting.tencent.com voovmeeting.com", "", False),
        ("Zoom", "zoom.us zoom.com.cn", "", False),
    ]
    for position, (name, domains, room_base_url, is_default) in enumerate(rows):
        VideoProvider.objects.update_or_create(
            tour=tour,
            name=name,
            defaults={
                "domains": domains,
                "room_base_url": room_base_url,
                "is_default": is_default,
                "position": position,
            },
        )


@transaction.atomic
def load_demo() -> Tour:
    """Create or update the demo tour; running it again leaves the same rows."""
    with translation.override("en"):
        return _load_demo()


def _load_demo() -> Tour:
    tour, _ = Tour.objects.update_or_create(
        slug=TOUR_SLUG,
        defaults={
            **_in_languages(
                "name",
                (
                    "InnoHealth China — Matchmaking Tour",
                    "InnoHealth China – Matchmaking-Tour",
                    "InnoHealth China 中德数字健康对接之旅",
                ),
            ),
            **_in_languages(
                "description",
                (
                    "Four virtual days through China's digital-health research and innovation "
                    "landscape for the winning German tandems of InnoHealth China: "
                    "presentations, showcases, virtual company visits, a meeting with potential "
                    "investors and a German-Chinese roundtable — and bilateral meetings with the "
                    "partners.",
                    "Vier virtuelle Tage durch Chinas Forschungs- und Innovationslandschaft der "
                    "digitalen Gesundheit für die Gewinner-Tandems von InnoHealth China: "
                    "Präsentationen, Showcases, virtuelle Unternehmensbesuche, ein Treffen mit "
                    "potenziellen Investoren und ein deutsch-chinesischer Roundtable – und "
                    "bilaterale Gespräche mit den Partnern.",
                    "InnoHealth China 的德国获奖团队将用四天时间，在线走进中国数字健康领域的科研"
                    "与创新生态：项目介绍、案例展示、线上企业参访、与潜在投资方会面、中德圆桌会议，"
                    "以及与中方合作伙伴的一对一洽谈。",
                ),
            ),
            "status": TourStatus.OPEN,
            "slot_minutes": 30,
            "tandem_time_zone": "Europe/Berlin",
            "partner_time_zone": "Asia/Shanghai",
        },
    )
    for day in range(4):
        TourDay.objects.update_or_create(
            tour=tour,
            date=FIRST_DAY + timedelta(days=day),
            defaults={"window_start": _berlin(day, time(8)), "window_end": _berlin(day, time(12))},
        )
    _video_providers(tour)
    topics = {}
    for slug, *names in TOPICS:
        topics[slug], _ = Topic.objects.update_or_create(
            slug=slug, defaults=_in_languages("name", tuple(names))
        )
    institutions = {}
    for slug, names, kind, city, province, topic_slugs, descriptions in INSTITUTIONS:
        institution, _ = Institution.objects.update_or_create(
            slug=slug,
            defaults={
                **_in_languages("name", names),
                **_in_languages("city", PLACES[city]),
                **_in_languages("province", PLACES[province]),
                **_in_languages("description", descriptions),
                "kind": kind,
            },
        )
        institution.topics.set(topics[t] for t in topic_slugs)
        institution.tours.add(tour)
        institutions[slug] = institution
        representative = _user(
            f"{slug}@partner.example",
            f"{names[2]} (demo representative)",
            language="zh-hans",
            time_zone="Asia/Shanghai",
        )
        Representative.objects.update_or_create(
            user=representative,
            tour=tour,
            defaults={"institution": institution, "position": "International office"},
        )
    speakers = {}
    for order, row in enumerate(SPEAKERS):
        name, titles, positions, organisation, institution_slug, bios = row
        speakers[name], _ = Speaker.objects.update_or_create(
            tour=tour,
            name=name,
            defaults={
                **_in_languages("title", titles),
                **_in_languages("position", positions),
                **_in_languages("bio", bios),
                "organisation": organisation,
                "institution": institutions[institution_slug],
                "order": order,
            },
        )
    for order, names in enumerate(SUPPORTERS):
        Supporter.objects.update_or_create(
            tour=tour,
            name_en=names[0],
            defaults={**_in_languages("name", names), "order": order},
        )
    tandems = {}
    for number, row in enumerate(TANDEMS, start=1):
        (
            slug,
            name,
            projects,
            topic_slugs,
            seeks,
            researcher,
            entrepreneur,
            organisation,
            company,
        ) = row
        tandem, _ = Tandem.objects.update_or_create(
            tour=tour,
            slug=slug,
            defaults={
                "name": name,
                **_in_languages("project_title", projects),
                **_in_languages(
                    "summary",
                    tuple(
                        f"{project}. {fictional}"
                        if code != "zh-hans"
                        else f"{project}。{fictional}"
                        for code, project, fictional in zip(
                            LANGUAGE_CODES, projects, FICTIONAL_TANDEM, strict=True
                        )
                    ),
                ),
                "seeks": [str(s) for s in seeks],
                "research_organisation": organisation,
                "company": company,
            },
        )
        tandem.topics.set(topics[t] for t in topic_slugs)
        tandems[slug] = tandem
        for role, person in (
            (MemberRole.RESEARCHER, researcher),
            (MemberRole.ENTREPRENEUR, entrepreneur),
        ):
            user = _user(
                f"{role}{number}@tandem.example", person, language="de", time_zone="Europe/Berlin"
            )
            TandemMember.objects.update_or_create(
                user=user, tour=tour, defaults={"tandem": tandem, "role": role}
            )
    for (
        day,
        start,
        minutes,
        kind,
        titles,
        descriptions,
        host,
        speaker_names,
        tandem_slugs,
        institution_slugs,
    ) in SESSIONS:
        starts_at = _berlin(day, start)
        session, _ = Session.objects.update_or_create(
            tour=tour,
            title_en=titles[0],
            defaults={
                **_in_languages("title", titles),
                **_in_languages("description", descriptions),
                "kind": kind,
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(minutes=minutes),
                "host": institutions[host] if host else None,
                "capacity": REGISTRATIONS.get(titles[0], (60, []))[0],
                "video_url": f"https://meet.jit.si/InnoHealth-demo-{kind}-{day}",
                "is_published": True,
            },
        )
        session.speakers.set(speakers[n] for n in speaker_names)
        session.tandems.set(
            tandems.values() if tandem_slugs == "*" else [tandems[t] for t in tandem_slugs]
        )
        session.institutions.set(institutions[i] for i in institution_slugs)
    _registrations(tour, tandems, institutions)
    for tandem_slug, institution_slug, direction, message, accepted in REQUESTS:
        tandem, institution = tandems[tandem_slug], institutions[institution_slug]
        if MeetingRequest.objects.filter(
            tour=tour, tandem=tandem, institution=institution
        ).exists():
            continue
        tandem_side = tandem.members.first().user
        partner_side = institution.representatives.first().user
        from_tandem = direction == Direction.TANDEM_TO_INSTITUTION
        request = request_meeting(
            actor=tandem_side if from_tandem else partner_side,
            tandem=tandem,
            institution=institution,
            direction=direction,
            message=message,
        )
        if accepted:
            accept_request(actor=partner_side if from_tandem else tandem_side, request=request)
    _outcomes(tour, tandems, institutions)
    _follow_ups(tour, tandems, institutions)
    _next_edition(institutions["bgi"])
    organiser = _user(
        "organiser@innohealth.example",
        "Demo Organiser",
        language="en",
        time_zone="Europe/Berlin",
        is_staff=True,
    )
    organiser.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    _user(
        "admin@innohealth.example",
        "Demo Administrator",
        language="en",
        time_zone="Europe/Berlin",
        is_staff=True,
        is_superuser=True,
    )
    return tour
