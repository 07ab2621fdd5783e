"""Very frequent Chinese characters, used to tell a right decoding from a wrong one.

A legacy file decoded with the wrong codec (Big5 read as GBK, GBK read as Big5) still
yields CJK characters, but random ones: rare characters, kana, private-use code points.
A right decoding of running text is dominated by a few hundred characters.  The set
below is the ~450 most frequent characters of general modern Chinese plus the 300 most
frequent of Chinese government documents, and their traditional forms (OpenCC s2t,
s2tw, s2hk), generated once offline so nothing is computed at import time.
"""

from __future__ import annotations

COMMON_HANS = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方"
    "多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情"
    "明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给"
    "世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太"
    "量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象"
    "完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济"
    "车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚"
    "请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企网源项号申局户税案监标络施响省按划互委序供孵推型核智范竞参护"
    "例评限创测依污环营贴责补投查策境效构验排易纳审专织份违厅染执革模配置负督印节协津庆荐账页料室优招聘础央低续播融"
)

COMMON_HANT_EXTRA = (
    "這個們來爲國說時會對於過發後裏種經麼學現當沒動還進樣開從實軍無與長機關點業將兩間問並應戰頭體見產話內給門兒東聲員論處義幾"
    "認條氣題爾別變總電數報結務場計資許統區隊決馬書則聽卻達強難權設記類據邊張該規萬覺術領確傳師觀讓識帶導爭運飛風乾聯組濟車親"
    "極辦議證轉準遠臺單羅愛擊備連調質團價黨華級離況亞請際約覆線斷滿視須寫稱網項號戶稅監標絡響劃範競參護評創測環營貼責補構驗納"
    "審專織違廳執負節協慶薦賬頁優礎續為著裡汙説"
)

COMMON_CHARS: frozenset[str] = frozenset(COMMON_HANS + COMMON_HANT_EXTRA)
