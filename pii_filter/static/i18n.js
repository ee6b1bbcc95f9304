// Interface text in English and Hindi. Answers and passages come from the service as they are (English).
// Every string is inserted with textContent, never as HTML.

export const LANGUAGES = ["en", "hi"];

export const STRINGS = {
  en: {
    skip: "Skip to the question box",
    title: "Consumer-rights assistant",
    langButton: "हिन्दी",
    langWhat: "Switch the page's language to Hindi",
    tagline:
      "Ask about your rights as a consumer in India. Answers come from the Consumer Protection Act, 2019 " +
      "and plain-language guides, with the sections they rely on.",
    disclaimer: "General information, not legal advice.",
    threadHeading: "Conversation",
    askLabel: "Your question",
    followUpLabel: "Ask a follow-up question",
    askHint:
      "Names, phone numbers, Aadhaar, PAN and other personal details are removed before your question " +
      "leaves this service. Enter sends; Shift+Enter starts a new line.",
    send: "Ask",
    stop: "Stop",
    newConversation: "New conversation",
    youAsked: "You asked",
    answerHeading: "Answer",
    removedHeading: "Kept private",
    "stage.accepted": "Question received",
    "stage.retrieving": "Searching the Act and the guides…",
    "stage.writing": "Writing the answer…",
    "stage.done": "Answer complete",
    "stage.stopped": "Stopped. The part shown so far may be incomplete.",
    "stage.error": "The question could not be answered.",
    working: "Working on your answer…",
    emptyQuestion: "Please type your question first.",
    sources: "Sources",
    section: "Section",
    sections: "Sections",
    copy: "Copy answer",
    copied: "Answer copied.",
    copyFailed: "Could not copy: select the answer and copy it yourself.",
    feedbackQuestion: "Was this answer helpful?",
    feedbackComment: "Comment (optional, personal details are removed)",
    helpful: "Helpful",
    notHelpful: "Not helpful",
    feedbackThanks: "Thank you for your feedback.",
    feedbackFailed: "Your feedback could not be sent. Please try again later.",
    notCoveredHeading: "Our knowledge base does not cover this question",
    notCoveredHelpline:
      "Call the National Consumer Helpline on 1915 or 1800-11-4000 (toll-free), or register your " +
      "complaint at consumerhelpline.gov.in.",
    notCoveredPortal:
      "To file a consumer complaint online, use e-Jagriti (e-jagriti.gov.in), which replaced " +
      "e-Daakhil on 1 January 2025.",
    helplineLink: "National Consumer Helpline website",
    portalLink: "e-Jagriti filing portal",
    errorPrefix: "Sorry:",
    pageUnavailable:
      "This service needs an API key here and issues no page tokens, so the page cannot ask questions.",
    footerHelp: "Need a person? National Consumer Helpline: 1915 or 1800-11-4000 (toll-free).",
    "removed.PERSON": "Your name was not sent.",
    "removed.PHONE": "Your phone number was not sent.",
    "removed.EMAIL": "Your email address was not sent.",
    "removed.IN_AADHAAR": "Your Aadhaar number was not sent.",
    "removed.IN_PAN": "Your PAN was not sent.",
    "removed.IN_PASSPORT": "Your passport number was not sent.",
    "removed.IN_VOTER": "Your voter ID number was not sent.",
    "removed.IN_VEHICLE_REGISTRATION": "Your vehicle number was not sent.",
    "removed.IN_GSTIN": "The GSTIN was not sent.",
    "removed.UPI_ID": "Your UPI ID was not sent.",
    "removed.BANK_ACCOUNT": "Your bank account number was not sent.",
    "removed.CARD": "Your card number was not sent.",
    "removed.ADDRESS": "Your address was not sent.",
    "removed.IN_PIN_CODE": "Your PIN code was not sent.",
    "removed.SOCIAL_HANDLE": "Your social media handle was not sent.",
    "removed.IN_DRIVING_LICENCE": "Your driving licence number was not sent.",
    "removed.DATE_OF_BIRTH": "Your date of birth was not sent.",
    "removed.other": "Other personal details were not sent.",
  },
  hi: {
    skip: "प्रश्न लिखने की जगह पर जाएँ",
    title: "उपभोक्ता अधिकार सहायक",
    langButton: "English",
    langWhat: "पेज की भाषा अंग्रेज़ी में बदलें",
    tagline:
      "भारत में उपभोक्ता के रूप में अपने अधिकारों के बारे में पूछें। उत्तर उपभोक्ता संरक्षण अधिनियम, 2019 और " +
      "सरल भाषा की मार्गदर्शिकाओं से आते हैं, उन धाराओं के साथ जिन पर वे आधारित हैं।",
    disclaimer: "यह सामान्य जानकारी है, कानूनी सलाह नहीं।",
    threadHeading: "बातचीत",
    askLabel: "आपका प्रश्न",
    followUpLabel: "आगे का प्रश्न पूछें",
    askHint:
      "नाम, फ़ोन नंबर, आधार, पैन और अन्य निजी जानकारी आपके प्रश्न के इस सेवा से बाहर जाने से पहले हटा दी जाती है। " +
      "Enter से प्रश्न भेजें; Shift+Enter से नई पंक्ति।",
    send: "पूछें",
    stop: "रोकें",
    newConversation: "नई बातचीत",
    youAsked: "आपने पूछा",
    answerHeading: "उत्तर",
    removedHeading: "निजी रखा गया",
    "stage.accepted": "प्रश्न मिल गया",
    "stage.retrieving": "अधिनियम और मार्गदर्शिकाओं में खोज रहे हैं…",
    "stage.writing": "उत्तर लिखा जा रहा है…",
    "stage.done": "उत्तर पूरा हुआ",
    "stage.stopped": "रोक दिया गया। अब तक दिखा उत्तर अधूरा हो सकता है।",
    "stage.error": "इस प्रश्न का उत्तर नहीं दिया जा सका।",
    working: "आपके उत्तर पर काम हो रहा है…",
    emptyQuestion: "कृपया पहले अपना प्रश्न लिखें।",
    sources: "स्रोत",
    section: "धारा",
    sections: "धाराएँ",
    copy: "उत्तर कॉपी करें",
    copied: "उत्तर कॉपी हो गया।",
    copyFailed: "कॉपी नहीं हो सका: उत्तर चुनकर स्वयं कॉपी करें।",
    feedbackQuestion: "क्या यह उत्तर उपयोगी था?",
    feedbackComment: "टिप्पणी (वैकल्पिक, निजी जानकारी हटा दी जाती है)",
    helpful: "उपयोगी",
    notHelpful: "उपयोगी नहीं",
    feedbackThanks: "आपकी प्रतिक्रिया के लिए धन्यवाद।",
    feedbackFailed: "आपकी प्रतिक्रिया भेजी नहीं जा सकी। कृपया बाद में फिर कोशिश करें।",
    notCoveredHeading: "हमारे ज्ञानकोष में इस प्रश्न की जानकारी नहीं है",
    notCoveredHelpline:
      "राष्ट्रीय उपभोक्ता हेल्पलाइन को 1915 या 1800-11-4000 (टोल-फ्री) पर कॉल करें, या " +
      "consumerhelpline.gov.in पर अपनी शिकायत दर्ज करें।",
    notCoveredPortal:
      "ऑनलाइन उपभोक्ता शिकायत दर्ज करने के लिए ई-जागृति (e-jagriti.gov.in) का उपयोग करें, जिसने " +
      "1 जनवरी 2025 से ई-दाखिल की जगह ली है।",
    helplineLink: "राष्ट्रीय उपभोक्ता हेल्पलाइन की वेबसाइट",
    portalLink: "ई-जागृति शिकायत पोर्टल",
    errorPrefix: "क्षमा करें:",
    pageUnavailable:
      "यहाँ इस सेवा के लिए API कुंजी चाहिए और पेज टोकन नहीं दिए जाते, इसलिए यह पेज प्रश्न नहीं पूछ सकता।",
    footerHelp: "किसी व्यक्ति से बात करनी है? राष्ट्रीय उपभोक्ता हेल्पलाइन: 1915 या 1800-11-4000 (टोल-फ्री)।",
    "removed.PERSON": "आपका नाम नहीं भेजा गया।",
    "removed.PHONE": "आपका फ़ोन नंबर नहीं भेजा गया।",
    "removed.EMAIL": "आपका ईमेल पता नहीं भेजा गया।",
    "removed.IN_AADHAAR": "आपका आधार नंबर नहीं भेजा गया।",
    "removed.IN_PAN": "आपका पैन नहीं भेजा गया।",
    "removed.IN_PASSPORT": "आपका पासपोर्ट नंबर नहीं भेजा गया।",
    "removed.IN_VOTER": "आपका वोटर आईडी नंबर नहीं भेजा गया।",
    "removed.IN_VEHICLE_REGISTRATION": "आपका वाहन नंबर नहीं भेजा गया।",
    "removed.IN_GSTIN": "जीएसटीआईएन नहीं भेजा गया।",
    "removed.UPI_ID": "आपकी यूपीआई आईडी नहीं भेजी गई।",
    "removed.BANK_ACCOUNT": "आपका बैंक खाता नंबर नहीं भेजा गया।",
    "removed.CARD": "आपका कार्ड नंबर नहीं भेजा गया।",
    "removed.ADDRESS": "आपका पता नहीं भेजा गया।",
    "removed.IN_PIN_CODE": "आपका पिन कोड नहीं भेजा गया।",
    "removed.SOCIAL_HANDLE": "आपका सोशल मीडिया हैंडल नहीं भेजा गया।",
    "removed.IN_DRIVING_LICENCE": "आपका ड्राइविंग लाइसेंस नंबर नहीं भेजा गया।",
    "removed.DATE_OF_BIRTH": "आपकी जन्म तिथि नहीं भेजी गई।",
    "removed.other": "अन्य निजी जानकारी नहीं भेजी गई।",
  },
};

export function translate(lang, key) {
  const table = STRINGS[lang] || STRINGS.en;
  return table[key] ?? STRINGS.en[key] ?? key;
}

// Every element with data-i18n gets its text; data-i18n-label sets aria-label the same way.
export function applyLanguage(root, lang) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = translate(lang, el.dataset.i18n);
  }
  for (const el of root.querySelectorAll("[data-i18n-label]")) {
    el.setAttribute("aria-label", translate(lang, el.dataset.i18nLabel));
  }
}
