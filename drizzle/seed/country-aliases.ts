/**
 * OpenFlights names countries in prose, and not always as its own countries.dat or
 * OurAirports spell them. These are the spellings its airport and airline files use
 * that neither list resolves, mapped to ISO 3166-1 codes.
 */
export const countryAliases: Readonly<Record<string, string>> = {
  'Brunei': 'BN',
  'Burma': 'MM',
  'Cape Verde': 'CV',
  'Congo (Brazzaville)': 'CG',
  'Congo (Kinshasa)': 'CD',
  "Cote d'Ivoire": 'CI',
  'Democratic Republic of the Congo': 'CD',
  'Democratic Republic of Congo': 'CD',
  "Democratic People's Republic of Korea": 'KP',
  'East Timor': 'TL',
  'Faroe Islands': 'FO',
  'Hong Kong SAR of China': 'HK',
  'Ivory Coast': 'CI',
  'Kyrgyzstan': 'KG',
  'Lao Peoples Democratic Republic': 'LA',
  'Macao': 'MO',
  'Macau': 'MO',
  'Micronesia': 'FM',
  'Netherland': 'NL',
  'Republic of Korea': 'KR',
  'Russian Federation': 'RU',
  'Saint Helena': 'SH',
  'Saint Kitts and Nevis': 'KN',
  'Saint Lucia': 'LC',
  'Saint Pierre and Miquelon': 'PM',
  'Saint Vincent and the Grenadines': 'VC',
  // OurAirports files Svalbard's airports under Norway and has no SJ entry.
  'Somali Republic': 'SO',
  'Svalbard': 'NO',
  'Swaziland': 'SZ',
  'Syrian Arab Republic': 'SY',
  'Virgin Islands': 'VI',
  'Wallis and Futuna': 'WF',
  'West Bank': 'PS',
};
