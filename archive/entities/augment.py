"""Extra training sentences made from real ones, to teach the tagger what its corpora rarely show.

- Name swaps: copies of sentences with person names, each name replaced by a generated one
  (given and family names written for this project, from the regions the archive covers), so
  that the CRF learns name shapes the English corpora rarely show ("al-X", "bin X").
- Capitals: copies written in capitals, as headlines and datelines are ("LONDON (Reuters) -").
"""

from __future__ import annotations

import random

Sentence = list[tuple[str, str]]

_GIVEN = """Abdullah Ahmad Ahmed Ali Amir Anas Asim Ayaz Bilal Bakr Faisal Farhan Fawad Hamid
Hamza Hassan Hussein Ibrahim Idris Imran Ismail Jamal Javed Junaid Kamal Karim Khalid Mahmoud
Mansour Marwan Mohammed Muhammad Mustafa Nabil Nasir Omar Osman Qasim Rahim Rashid Saad
Salman Samir Shahid Sharif Tariq Umar Usman Walid Yasin Yousef Zaid Zubair Aisha Fatima
Khadija Maryam Nadia Zainab Dmitry Sergei Alexei Nikolai Igor Oleg Pavel Yuri Anatoly
Ruslan Timur Farrukh Rustam Jamshid Bekzod Davron Sherzod Abdulaziz Emomali Akhmad Magomed
Shamil Dzhokhar Ahmet Mehmet Mustafa Kemal Selim Abubakar Ibrahim Musa Yusuf Aminu Abdi""".split()
_FAMILY = """Khan Ahmadi Karimi Haqqani Yusufzai Rahmani Nazari Hosseini Rezaei Sadiqi Mirza
Qureshi Siddiqui Chaudhry Malik Butt Abbasi Baig Durrani Kakar Mehsud Wazir Niazi Popal
Ivanov Petrov Sokolov Volkov Morozov Kuznetsov Orlov Kadyrov Basayev Umarov Rahmonov
Karimov Yilmaz Demir Kaya Celik Ozturk Aydin Abdi Warsame Farah Hassan Mohamud Yusuf
Osman Abubakar Shekau Barnawi Traore Diallo Coulibaly Toure Konate""".split()
_NISBA = """Masri Iraqi Shami Libi Tunisi Sudani Somali Urduni Kuwaiti Maqdisi Filistini
Turkistani Kurdi Hindi Britani Almani Amriki Ansari Hashimi Qurashi Muhajir Afghani Yemeni
Jazrawi Najdi Hijazi Baluchi Tajiki Uzbeki Shishani Dagestani Azdi Zahrani Ghamdi Harbi
Mosuli Halabi Dimashqi Homsi Raqqawi Anbari Falluji Tikriti Hadrami Adeni Maghribi""".split()
_PATTERNS = (
    "{g} {f}",
    "{g} al-{n}",
    "{g} {g2} al-{n}",
    "Abu {g} al-{n}",
    "{g} bin {g2}",
    "{g} {f}",
    "Abu {g}",
    "{g} ibn {g2} al-{n}",
    "{g} {g2} {f}",
)


def swap_names(
    sentences: list[Sentence], every: int = 3, seed: int = 13
) -> list[tuple[int, Sentence]]:
    """Copies of every ``every``-th sentence with a person name, each name swapped, with the
    index of the sentence copied."""
    rng = random.Random(seed)
    out: list[tuple[int, Sentence]] = []
    k = 0
    for index, sent in enumerate(sentences):
        if not any(lab == "B-PER" for _, lab in sent):
            continue
        k += 1
        if k % every:
            continue
        new: Sentence = []
        i = 0
        while i < len(sent):
            tok, lab = sent[i]
            if lab != "B-PER":
                new.append((tok, lab))
                i += 1
                continue
            j = i + 1
            while j < len(sent) and sent[j][1] == "I-PER":
                j += 1
            name = rng.choice(_PATTERNS).format(
                g=rng.choice(_GIVEN),
                g2=rng.choice(_GIVEN),
                f=rng.choice(_FAMILY),
                n=rng.choice(_NISBA),
            )
            for n, part in enumerate(name.split()):
                new.append((part, "B-PER" if n == 0 else "I-PER"))
            i = j
        out.append((index, new))
    return out


def capitals(sentences: list[Sentence], every: int = 20) -> list[tuple[int, Sentence]]:
    """Copies of every ``every``-th sentence that names something, written in capitals, with
    the index of the sentence copied."""
    named = [(i, s) for i, s in enumerate(sentences) if any(lab != "O" for _, lab in s)]
    return [(i, [(tok.upper(), lab) for tok, lab in s]) for i, s in named[every - 1 :: every]]
