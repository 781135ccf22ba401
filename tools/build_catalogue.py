"""Writes the demo training catalogue: data/reference/providers.csv and courses.csv.

The catalogue is fictional but shaped like Prakerja's: online platforms selling
short video courses, LPKs (lembaga pelatihan kerja) teaching trades offline in
their city, a few universities, companies and government training centres.
Deterministic: running it twice writes identical files. The shipped CSVs, not
this script, are what ``prakerja init`` reads.

Usage: ``python tools/build_catalogue.py``
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"

# (slug, name, kind, city as in regencies.csv or None for online-only, fields taught)
PROVIDERS = [
    ("ruang-mahir", "Ruang Mahir", "digital_platform", None, "digital office business soft language"),
    ("belajar-kerja-id", "BelajarKerja.id", "digital_platform", None, "digital office business soft"),
    ("kelasku-digital", "Kelasku Digital", "digital_platform", None, "digital business creative"),
    ("akademi-nusantara-online", "Akademi Nusantara Online", "digital_platform", None, "office language soft hospitality"),
    ("tumbuh-id", "Tumbuh.id", "digital_platform", None, "business agri hospitality creative"),
    ("cerdas-karya", "Cerdas Karya", "digital_platform", None, "digital creative office"),
    ("bisa-kerja", "Bisa Kerja Online", "digital_platform", None, "office soft business trades"),
    ("jago-kerja-academy", "Jago Kerja Academy", "digital_platform", None, "digital office language"),
    ("mahir-digital-indonesia", "Mahir Digital Indonesia", "digital_platform", None, "digital creative business"),
    ("kursus-pintar", "Kursus Pintar", "digital_platform", None, "hospitality beauty business agri"),
    ("karier-maju", "Karier Maju Online", "digital_platform", None, "soft office language business"),
    ("skillnesia", "Skillnesia", "digital_platform", None, "digital creative trades"),
    ("lpk-bina-terampil", "LPK Bina Terampil", "lpk", "Kota Medan", "trades office"),
    ("lpk-karya-mandiri", "LPK Karya Mandiri", "lpk", "Kota Bandung", "garment creative"),
    ("lpk-sekar-sari", "LPK Tata Boga Sekar Sari", "lpk", "Kota Surabaya", "hospitality"),
    ("lpk-baja-prima", "LPK Las Baja Prima", "lpk", "Kota Balikpapan", "trades"),
    ("lpk-ayu-cantik", "LPK Salon Ayu Cantik", "lpk", "Kota Makassar", "beauty"),
    ("lpk-otomotif-jaya", "LPK Otomotif Jaya", "lpk", "Kota Semarang", "trades driving"),
    ("lpk-busana-melati", "LPK Busana Melati", "lpk", "Kota Yogyakarta", "garment"),
    ("lpk-bahasa-sakura", "LPK Bahasa Sakura", "lpk", "Kota Malang", "language"),
    ("lpk-dunia-kopi", "LPK Dunia Kopi", "lpk", "Kota Denpasar", "hospitality"),
    ("lpk-listrik-nusantara", "LPK Teknik Listrik Nusantara", "lpk", "Kota Palembang", "trades"),
    ("lpk-tani-makmur", "LPK Tani Makmur", "lpk", "Kabupaten Jember", "agri"),
    ("lpk-bahari-kendari", "LPK Bahari Kendari", "lpk", "Kota Kendari", "agri"),
    ("lpk-pariwisata-mataram", "LPK Hotel dan Pariwisata Mataram", "lpk", "Kota Mataram", "hospitality language"),
    ("lpk-cendekia-komputer", "LPK Komputer Cendekia", "lpk", "Kota Pontianak", "office digital"),
    ("lpk-pengemudi-andalan", "LPK Pengemudi Andalan", "lpk", "Kota Administrasi Jakarta Timur", "driving"),
    ("lpk-mekanik-kupang", "LPK Mekanik Flobamora", "lpk", "Kota Kupang", "trades"),
    ("lpk-kriya-garut", "LPK Kriya Garut", "lpk", "Kabupaten Garut", "garment creative"),
    ("lpk-mitra-kerja", "LPK Mitra Kerja", "lpk", "Kabupaten Sidoarjo", "trades office"),
    ("lpk-nyiur-hospitality", "LPK Nyiur Hospitality", "lpk", "Kota Manado", "hospitality beauty"),
    ("lpk-karya-bahari-ambon", "LPK Karya Bahari", "lpk", "Kota Ambon", "agri trades"),
    ("lpk-papua-terampil", "LPK Papua Terampil", "lpk", "Kota Jayapura", "trades agri office"),
    ("lpk-serambi-terampil", "LPK Serambi Terampil", "lpk", "Kota Banda Aceh", "garment hospitality"),
    ("lpk-minang-cakap", "LPK Minang Cakap", "lpk", "Kota Padang", "hospitality business"),
    ("lpk-lancang-kuning", "LPK Lancang Kuning", "lpk", "Kota Pekanbaru", "trades agri"),
    ("lpk-sai-bumi", "LPK Sai Bumi", "lpk", "Kota Bandar Lampung", "office beauty"),
    ("lpk-borneo-teknik", "LPK Borneo Teknik", "lpk", "Kota Samarinda", "trades driving"),
    ("lpk-banua-terampil", "LPK Banua Terampil", "lpk", "Kota Banjarmasin", "garment hospitality"),
    ("lpk-palu-bangkit", "LPK Palu Bangkit", "lpk", "Kota Palu", "trades office"),
    ("lpk-solo-kreatif", "LPK Solo Kreatif", "lpk", "Kota Surakarta", "creative garment"),
    ("politeknik-vokasi-nusantara", "Politeknik Vokasi Nusantara", "university", "Kabupaten Bogor", "digital office trades"),
    ("karier-universitas-harapan-bangsa", "Pusat Karier Universitas Harapan Bangsa", "university", "Kota Administrasi Jakarta Selatan", "office business language"),
    ("akademi-ritel-sentosa", "Akademi Ritel Sentosa", "company", "Kota Administrasi Jakarta Barat", "business"),
    ("akademi-logistik-cepat", "Akademi Logistik Cepat Kirim", "company", "Kota Administrasi Jakarta Utara", "driving office"),
    ("blk-surabaya", "Balai Pelatihan Kerja Daerah Surabaya", "government", "Kota Surabaya", "trades garment hospitality"),
    ("blk-bandung", "UPT Pelatihan Kerja Bandung", "government", "Kota Bandung", "trades office digital"),
    ("blk-makassar", "Balai Pelatihan Vokasi Makassar", "government", "Kota Makassar", "trades agri driving"),
]

# (key, field, Indonesian title, skills as slug:level, occupation groups, hours, certificate)
COURSES = [
    ("excel-dasar", "office", "Microsoft Excel untuk Pemula", "microsoft-excel:1 literasi-digital:1", "4110 4132", 8, None),
    ("excel-lanjut", "office", "Excel Tingkat Lanjut: Rumus, Pivot dan Dasbor", "microsoft-excel:3 visualisasi-data:2 analisis-data:1", "4311 3313 2413", 12, None),
    ("office-admin", "office", "Administrasi Perkantoran Modern dengan Microsoft Office", "administrasi-perkantoran:2 microsoft-office:2 kearsipan:1 korespondensi:1", "4110 3343", 16, None),
    ("sekretaris", "office", "Menjadi Sekretaris dan Asisten Eksekutif Profesional", "kesekretariatan:2 manajemen-kalender:2 notulensi:2 korespondensi:2", "4120 3343", 14, None),
    ("entri-data", "office", "Entri Data Cepat dan Akurat", "entri-data:2 mengetik-cepat:2 detail-oriented:1", "4132", 6, None),
    ("arsip-digital", "office", "Manajemen Arsip dan Dokumen Digital", "kearsipan:2 pengolahan-dokumen:2 google-workspace:1", "4415 4110", 8, None),
    ("pembukuan-umkm", "office", "Pembukuan Sederhana untuk UMKM", "pembukuan:2 akuntansi-umkm:2 kas-kecil:1", "4311 5221", 10, None),
    ("akuntansi-dasar", "office", "Dasar-Dasar Akuntansi dan Laporan Keuangan", "akuntansi:2 laporan-keuangan:2 buku-besar:1", "3313 4311 2411", 16, None),
    ("software-akuntansi", "office", "Akuntansi dengan Aplikasi Akuntansi Digital", "software-akuntansi:2 akuntansi:2 penagihan-faktur:1", "4311 3313", 12, None),
    ("pajak-brevet", "office", "Persiapan Brevet Pajak A dan B", "perpajakan:3 brevet-pajak:2 akuntansi:1", "2411 3313", 40, "Brevet"),
    ("pajak-pph", "office", "Menghitung dan Melaporkan PPh 21 dan SPT Tahunan", "perpajakan:2 penggajian:1", "3313 4313", 8, None),
    ("payroll", "office", "Administrasi Penggajian dan BPJS", "penggajian:2 administrasi-kepegawaian:2 microsoft-excel:1", "4313 4416", 10, None),
    ("hrd-rekrutmen", "office", "Rekrutmen dan Seleksi Karyawan untuk Staf HRD", "rekrutmen:2 manajemen-sdm:2 komunikasi:1", "2423 1212", 12, None),
    ("hrd-bnsp", "office", "Sertifikasi Kompetensi Staf Sumber Daya Manusia (BNSP)", "manajemen-sdm:3 hubungan-industrial:2 sertifikasi-bnsp:2", "2423 1212", 32, "BNSP"),
    ("admin-gudang", "office", "Administrasi Gudang dan Stok Opname", "pergudangan:2 manajemen-persediaan:2 pengendalian-gudang:2 microsoft-excel:1", "4321 1324", 10, None),
    ("ppic", "office", "Perencanaan dan Pengendalian Produksi (PPIC)", "ppic:2 manajemen-persediaan:2 microsoft-excel:1", "4322 3122", 14, None),
    ("layanan-pelanggan", "office", "Layanan Pelanggan Prima untuk Pusat Kontak", "layanan-pelanggan:2 call-center:2 penanganan-keluhan:2 keterampilan-telepon:1", "4222 4225", 10, None),
    ("cs-online", "office", "Customer Service Toko Online dan Live Chat", "layanan-pelanggan:2 live-chat-support:2 ecommerce:1", "4222 5249", 8, None),
    ("resepsionis", "office", "Resepsionis dan Front Office Profesional", "resepsionis:2 pelayanan-prima:2 keterampilan-telepon:1", "4226 4224", 10, None),
    ("bank-teller", "office", "Persiapan Kerja Teller dan Customer Service Bank", "teller-bank:2 perbankan:2 pelayanan-prima:1", "4211", 12, None),
    ("kredit-umkm", "office", "Analisis Kredit Usaha Mikro", "kredit-pinjaman:2 analisis-keuangan:1 perbankan:1", "3312", 10, None),
    ("agen-asuransi", "business", "Menjadi Agen Asuransi Berlisensi", "asuransi:2 penjualan-asuransi:2 komunikasi:1", "3321", 12, None),
    ("bahasa-inggris-kerja", "language", "Bahasa Inggris untuk Dunia Kerja", "bahasa-inggris:2 komunikasi:1", "4222 4224", 16, None),
    ("bahasa-inggris-percakapan", "language", "Percakapan Bahasa Inggris Sehari-hari", "bahasa-inggris:1", "4222", 10, None),
    ("toefl", "language", "Persiapan TOEFL ITP dan IELTS", "toefl-ielts:2 bahasa-inggris:3", "2643 2353", 20, None),
    ("bahasa-inggris-hotel", "language", "Bahasa Inggris untuk Perhotelan dan Pariwisata", "bahasa-inggris:2 perhotelan:1 pariwisata:1", "4224 5113", 12, None),
    ("bahasa-jepang-n5", "language", "Bahasa Jepang Dasar N5", "bahasa-jepang:1", "2643", 24, None),
    ("bahasa-jepang-n4", "language", "Bahasa Jepang untuk Kerja di Jepang (JLPT N4)", "bahasa-jepang:2 jlpt:2", "2643 5322", 40, "JLPT"),
    ("bahasa-korea", "language", "Bahasa Korea untuk Ujian EPS-TOPIK", "bahasa-korea:2", "2643", 30, None),
    ("bahasa-mandarin", "language", "Bahasa Mandarin untuk Bisnis", "bahasa-mandarin:1", "2643 3322", 16, None),
    ("bahasa-arab", "language", "Bahasa Arab Praktis untuk Pemandu Umrah", "bahasa-arab:1 tiket-perjalanan:1", "4221 5113", 12, None),
    ("digital-marketing", "digital", "Digital Marketing untuk Pemula", "pemasaran-digital:2 media-sosial:1 pemasaran:1", "2431", 10, None),
    ("digital-marketing-bnsp", "digital", "Sertifikasi Digital Marketing (BNSP)", "pemasaran-digital:3 iklan-digital:2 web-analytics:2 sertifikasi-bnsp:2", "2431 1222", 32, "BNSP"),
    ("sosmed-admin", "digital", "Menjadi Admin Media Sosial", "media-sosial:2 pembuatan-konten:2 canva:1", "2431", 8, None),
    ("instagram-tiktok", "digital", "Jualan Laris lewat Instagram dan TikTok", "instagram-marketing:2 tiktok-marketing:2 pembuatan-konten:1", "2431 5249", 8, None),
    ("fb-ads", "digital", "Beriklan dengan Facebook dan Instagram Ads", "facebook-ads:2 iklan-digital:2", "2431", 8, None),
    ("google-ads", "digital", "Google Ads dan Pemasaran Mesin Pencari", "google-ads:2 iklan-digital:2 web-analytics:1", "2431", 8, None),
    ("seo", "digital", "SEO: Optimasi Website di Mesin Pencari", "seo:2 penulisan-konten:1 web-analytics:1", "2431 2513", 10, None),
    ("copywriting", "digital", "Copywriting yang Menjual", "copywriting:2 penulisan-konten:1 kreativitas:1", "2641 2431", 8, None),
    ("content-writing", "creative", "Menulis Artikel dan Konten Blog", "penulisan-konten:2 seo:1 penyuntingan-naskah:1", "2641", 8, None),
    ("content-creator", "creative", "Menjadi Kreator Konten", "pembuatan-konten:2 video-editing:1 youtube:1 personal-branding:1", "2431 3435", 10, None),
    ("live-selling", "business", "Host Live Streaming untuk Jualan Online", "live-streaming:2 public-speaking:1 ecommerce:1", "5242 5249", 6, None),
    ("marketplace", "business", "Berjualan di Marketplace untuk Pemula", "ecommerce:2 manajemen-produk-ecommerce:2 fotografi-produk:1", "5249 5221", 8, None),
    ("whatsapp-jualan", "business", "Strategi Jualan dengan WhatsApp Business", "whatsapp-business:2 penjualan:1 layanan-pelanggan:1", "5249 5221", 5, None),
    ("reseller", "business", "Memulai Usaha Reseller dan Dropship", "dropship-reseller:2 ecommerce:1 kewirausahaan:1", "5249", 6, None),
    ("umkm-bisnis", "business", "Merintis Usaha Mikro: dari Ide ke Rencana Bisnis", "kewirausahaan:2 rencana-bisnis:2 penetapan-harga:1", "5221 5211", 10, None),
    ("umkm-legal", "business", "Legalitas Usaha: NIB, PIRT dan Sertifikasi Halal", "perizinan-usaha:2 kewirausahaan:1", "5221", 6, None),
    ("umkm-keuangan", "business", "Mengelola Keuangan Usaha Kecil", "akuntansi-umkm:2 kas-kecil:2 manajemen-usaha-kecil:1", "5221 4311", 8, None),
    ("kemasan", "business", "Desain Kemasan Produk UMKM", "pengemasan-produk:2 desain-grafis:1 branding:1", "2163 5221", 8, None),
    ("ekspor", "business", "Ekspor untuk UMKM", "ekspor-impor:2 logistik:1", "3331 5221", 10, None),
    ("sales-teknik", "business", "Teknik Penjualan dan Closing", "penjualan:2 teknik-penjualan:2 negosiasi:2", "3322 5249", 8, None),
    ("sales-b2b", "business", "Penjualan Korporat (B2B) dan Account Management", "penjualan-b2b:2 account-management:2 negosiasi:1", "3322 2433", 10, None),
    ("telemarketing", "business", "Telemarketing yang Efektif", "telemarketing:2 keterampilan-telepon:2 orientasi-target:1", "5244", 6, None),
    ("spg-ritel", "business", "Pramuniaga dan SPG Ritel Modern", "pramuniaga:2 penjualan-ritel:2 merchandising:1 kasir:1", "5223 5242", 8, None),
    ("kasir", "business", "Kasir Toko Modern dan Aplikasi POS", "kasir:2 pelayanan-prima:1", "5230", 6, None),
    ("kepala-toko", "business", "Manajemen Toko dan Supervisor Ritel", "manajemen-toko:2 manajemen-persediaan:1 kepemimpinan:1", "5222 1420", 12, None),
    ("properti", "business", "Menjadi Agen Properti", "properti:2 penjualan:1 negosiasi:1", "3334", 8, None),
    ("pemasaran-dasar", "business", "Dasar-Dasar Pemasaran dan Riset Pasar", "pemasaran:2 riset-pasar:2", "2431 1221", 10, None),
    ("branding-umkm", "business", "Branding untuk UMKM", "branding:2 desain-logo:1 media-sosial:1", "2431 5221", 8, None),
    ("python", "digital", "Pemrograman Python untuk Pemula", "pemrograman-python:2 software-engineering:1", "2512 2514", 20, None),
    ("web-dasar", "digital", "Membuat Website dengan HTML, CSS dan JavaScript", "html-css:2 pemrograman-javascript:2 pengembangan-web:2", "2513 3514", 24, None),
    ("php-laravel", "digital", "Pengembangan Web dengan PHP dan Laravel", "pemrograman-php:2 sql:1 backend:2", "2513 2514", 24, None),
    ("sql", "digital", "SQL untuk Analisis Data", "sql:2 analisis-data:1", "2521 2511", 12, None),
    ("analisis-data", "digital", "Analisis Data dengan Excel dan Python", "analisis-data:2 pemrograman-python:1 microsoft-excel:2 visualisasi-data:1", "2511 2413", 20, None),
    ("dasbor", "digital", "Membuat Dasbor dengan Looker Studio dan Power BI", "visualisasi-data:2 business-intelligence:2", "2511", 10, None),
    ("android", "digital", "Membuat Aplikasi Android dengan Kotlin", "pemrograman-kotlin:2 pemrograman-mobile:2", "2514", 30, None),
    ("flutter", "digital", "Aplikasi Mobile Lintas Platform dengan Flutter", "pemrograman-dart-flutter:2 pemrograman-mobile:2", "2514", 24, None),
    ("wordpress", "digital", "Membuat Website Toko dengan WordPress", "wordpress:2 pengembangan-web:1 ecommerce:1", "2513 3514", 10, None),
    ("qa-testing", "digital", "Software Testing dan Quality Assurance", "pengujian-perangkat-lunak:2 software-engineering:1", "2519", 16, None),
    ("jaringan", "digital", "Teknisi Jaringan Komputer dan MikroTik", "jaringan-komputer:2 technical-support:1", "3513 2523", 24, None),
    ("it-support", "digital", "IT Support dan Perbaikan Komputer", "technical-support:2 it-support:2 sistem-operasi:2", "3512 7422", 16, None),
    ("keamanan-siber", "digital", "Dasar Keamanan Siber", "keamanan-siber:2 jaringan-komputer:1", "2529", 16, None),
    ("cloud", "digital", "Pengenalan Cloud Computing", "cloud-computing:2 linux:1", "2522", 12, None),
    ("ai-kerja", "digital", "Memanfaatkan AI Generatif untuk Pekerjaan", "prompt-engineering:2 literasi-digital:1", "4110 2431", 6, None),
    ("literasi-digital", "office", "Literasi Digital dan Keamanan Berinternet", "literasi-digital:2 google-workspace:1", "4110", 6, None),
    ("uiux", "creative", "Desain UI/UX dengan Figma", "ui-ux:2 figma:2 design-thinking:1", "2166 2513", 20, None),
    ("desain-grafis", "creative", "Desain Grafis dengan Adobe Photoshop dan Illustrator", "desain-grafis:2 adobe-photoshop:2 adobe-illustrator:2", "2166", 20, None),
    ("canva", "creative", "Desain Konten Promosi dengan Canva", "canva:2 desain-grafis:1 media-sosial:1", "2166 2431", 6, None),
    ("video-editing", "creative", "Editing Video untuk Media Sosial", "video-editing:2 pembuatan-konten:1", "3521 2654", 10, None),
    ("videografi", "creative", "Videografi dan Produksi Video", "videografi:2 video-editing:2", "3521 2654", 16, None),
    ("fotografi", "creative", "Fotografi Dasar dengan Kamera dan Ponsel", "fotografi:2 adobe-photoshop:1", "3431", 10, None),
    ("foto-produk", "creative", "Fotografi Produk untuk Jualan Online", "fotografi-produk:2 fotografi:1 ecommerce:1", "3431 2431", 6, None),
    ("animasi", "creative", "Animasi 2D dan Motion Graphic", "animasi:2 desain-grafis:1", "2166", 20, None),
    ("ilustrasi", "creative", "Ilustrasi Digital untuk Pemula", "ilustrasi:2 kreativitas:1", "2651 2166", 12, None),
    ("podcast", "creative", "Membuat Podcast dan Konten Audio", "produksi-audio:2 public-speaking:1", "3521 2656", 8, None),
    ("mc-presenter", "creative", "Menjadi MC dan Pembawa Acara", "penyiaran:2 public-speaking:2", "2656", 8, None),
    ("batik", "creative", "Membatik Tulis dan Cap", "batik:2 kerajinan-tangan:1", "7318", 16, None),
    ("kerajinan", "creative", "Kerajinan Tangan Bernilai Jual", "kerajinan-tangan:2 kewirausahaan:1", "7318", 10, None),
    ("sablon", "creative", "Usaha Sablon Kaos dan Digital Printing", "sablon-percetakan:2 desain-grafis:1", "7322", 12, None),
    ("menjahit-dasar", "garment", "Menjahit Pakaian untuk Pemula", "menjahit:2 pola-busana:1", "7533 7531", 24, None),
    ("menjahit-industri", "garment", "Operator Mesin Jahit Industri Garmen", "mesin-jahit:2 menjahit:2 tekstil:1", "8153", 40, "BNSP"),
    ("tailoring", "garment", "Menjahit Busana Muslim dan Kebaya", "tailoring:2 pola-busana:2 menjahit:2", "7531", 32, None),
    ("desain-busana", "garment", "Desain Busana dan Fesyen", "desain-busana:2 pola-busana:1", "2163 7531", 20, None),
    ("bordir", "garment", "Bordir Manual dan Komputer", "bordir-sulam:2 menjahit:1", "7533", 16, None),
    ("memasak-dasar", "hospitality", "Memasak Masakan Rumahan untuk Usaha", "memasak:2 masakan-nusantara:2 usaha-kuliner:1", "5120", 16, None),
    ("juru-masak-bnsp", "hospitality", "Sertifikasi Juru Masak (Cook) BNSP", "memasak:3 keamanan-pangan:2 manajemen-dapur:1 sertifikasi-bnsp:2", "5120 3434", 40, "BNSP"),
    ("masakan-barat", "hospitality", "Masakan Kontinental untuk Hotel dan Restoran", "masakan-barat:2 memasak:2", "5120 3434", 24, None),
    ("katering", "hospitality", "Memulai Usaha Katering Rumahan", "tata-boga-katering:2 memasak:1 usaha-kuliner:1", "5120 1412", 12, None),
    ("frozen-food", "hospitality", "Usaha Frozen Food Rumahan", "pengolahan-pangan:2 keamanan-pangan:1 usaha-kuliner:1", "7511 5212", 8, None),
    ("roti", "hospitality", "Membuat Roti Manis dan Roti Tawar", "membuat-roti:2 keamanan-pangan:1", "7512", 16, None),
    ("kue", "hospitality", "Membuat Kue Kering dan Kue Ulang Tahun", "membuat-kue:2 membuat-roti:1", "7512", 16, None),
    ("jajanan", "hospitality", "Jajanan Pasar Tradisional Bernilai Jual", "jajanan-tradisional:2 usaha-kuliner:1", "7512 5212", 8, None),
    ("barista", "hospitality", "Barista Profesional", "barista:2 pelayanan-prima:1", "5132", 16, None),
    ("barista-bnsp", "hospitality", "Sertifikasi Barista (BNSP)", "barista:3 roasting-kopi:1 sertifikasi-bnsp:2", "5132", 32, "BNSP"),
    ("bartender", "hospitality", "Bartender dan Minuman Kekinian", "bartender:2 usaha-kuliner:1", "5132", 12, None),
    ("pramusaji", "hospitality", "Pramusaji Restoran dan Hotel", "pelayanan-restoran:2 pelayanan-prima:2 food-beverage:1", "5131", 12, None),
    ("manajemen-restoran", "hospitality", "Manajemen Restoran dan Kafe", "manajemen-restoran:2 food-beverage:2 manajemen-persediaan:1", "1412", 16, None),
    ("higiene", "hospitality", "Higiene dan Sanitasi Pangan", "keamanan-pangan:2", "5120 7512 3257", 6, None),
    ("housekeeping", "hospitality", "Tata Graha (Housekeeping) Hotel", "tata-graha:2 kebersihan:1 pelayanan-prima:1", "5151 9112", 16, None),
    ("front-office-hotel", "hospitality", "Front Office Hotel", "front-office-hotel:2 bahasa-inggris:1 pelayanan-prima:1", "4224", 16, None),
    ("hotel-bnsp", "hospitality", "Sertifikasi Kompetensi Perhotelan (BNSP)", "perhotelan:3 front-office-hotel:2 sertifikasi-bnsp:2", "4224 1411", 40, "BNSP"),
    ("pemandu-wisata", "hospitality", "Pemandu Wisata Lokal", "pariwisata:2 public-speaking:1 bahasa-inggris:1", "5113", 12, None),
    ("tiket", "hospitality", "Agen Tiket dan Perjalanan", "tiket-perjalanan:2 layanan-pelanggan:1", "4221", 10, None),
    ("tata-rias", "beauty", "Tata Rias Wajah dan Pengantin", "tata-rias:2 hijab-styling:1", "5142", 24, None),
    ("tata-rias-bnsp", "beauty", "Sertifikasi Penata Rias (BNSP)", "tata-rias:3 sertifikasi-bnsp:2", "5142", 32, "BNSP"),
    ("tata-rambut", "beauty", "Potong dan Tata Rambut", "tata-rambut:2 pelayanan-prima:1", "5141", 24, None),
    ("barber", "beauty", "Pangkas Rambut Pria (Barber)", "tata-rambut:2 kewirausahaan:1", "5141", 16, None),
    ("perawatan-kulit", "beauty", "Perawatan Wajah dan Kulit", "perawatan-kecantikan:2", "5142", 16, None),
    ("nail-art", "beauty", "Nail Art dan Perawatan Kuku", "nail-art:2", "5142", 8, None),
    ("spa", "beauty", "Terapis Spa dan Pijat", "spa-pijat:2 pelayanan-prima:1", "5142", 24, None),
    ("eyelash", "beauty", "Eyelash Extension dan Sulam Alis", "eyelash-extension:2", "5142", 12, None),
    ("caregiver", "beauty", "Perawat Lansia (Caregiver)", "perawatan-lansia:2 pertolongan-pertama:1 kecerdasan-emosional:1", "5322 5321", 40, None),
    ("baby-sitter", "beauty", "Pengasuh Anak Profesional", "pengasuhan-anak:2 pertolongan-pertama:1", "5311", 24, None),
    ("las-dasar", "trades", "Pengelasan SMAW Dasar", "pengelasan:2 k3:1", "7212", 40, None),
    ("las-bnsp", "trades", "Sertifikasi Juru Las 3G (BNSP)", "pengelasan:3 sertifikat-las:2 sertifikasi-bnsp:2 k3:1", "7212", 80, "BNSP"),
    ("listrik-rumah", "trades", "Instalasi Listrik Rumah Tinggal", "instalasi-listrik:2 k3-listrik:1", "7411", 40, None),
    ("listrik-bnsp", "trades", "Sertifikasi Instalatir Listrik (BNSP)", "instalasi-listrik:3 k3-listrik:2 sertifikasi-bnsp:2", "7411 7412", 60, "BNSP"),
    ("panel-surya", "trades", "Instalasi Panel Surya Atap", "energi-surya:2 instalasi-listrik:1", "7411", 24, None),
    ("plc", "trades", "Listrik Industri dan PLC", "teknisi-listrik-industri:2 instalasi-listrik:1", "7412 3113", 40, None),
    ("servis-ac", "trades", "Teknisi Servis dan Instalasi AC", "servis-ac:2 instalasi-listrik:1", "7127", 40, None),
    ("servis-hp", "trades", "Servis Ponsel untuk Pemula", "servis-ponsel:2 perbaikan-elektronik:1", "7422 7421", 24, None),
    ("elektronik", "trades", "Perbaikan Peralatan Elektronik Rumah Tangga", "perbaikan-elektronik:2", "7421", 24, None),
    ("cctv", "trades", "Instalasi CCTV dan Jaringan Fiber", "cctv:2 fiber-optik:1", "7422", 16, None),
    ("motor", "trades", "Mekanik Sepeda Motor", "mekanik-sepeda-motor:2 kelistrikan-otomotif:1", "7231", 40, None),
    ("mobil", "trades", "Mekanik Mobil dan Tune Up", "mekanik-mobil:2 kelistrikan-otomotif:1", "7231", 48, None),
    ("otomotif-bnsp", "trades", "Sertifikasi Mekanik Otomotif (BNSP)", "mekanik-mobil:3 mesin-diesel:1 sertifikasi-bnsp:2", "7231", 60, "BNSP"),
    ("alat-berat", "trades", "Mekanik dan Perawatan Alat Berat", "mekanik-alat-berat:2 mesin-diesel:2", "7233", 60, None),
    ("bubut", "trades", "Operator Mesin Bubut dan CNC", "bubut-cnc:2 autocad:1", "7233 3115", 40, None),
    ("kayu", "trades", "Pertukangan Kayu dan Mebel", "pertukangan-kayu:2 mebel:2", "7115 7522", 40, None),
    ("batu", "trades", "Tukang Bangunan: Pasang Bata dan Keramik", "pasang-bata:2 k3:1", "7112", 40, None),
    ("plambing", "trades", "Instalasi Pipa Air dan Sanitasi", "plambing:2", "7126", 24, None),
    ("cat", "trades", "Pengecatan Bangunan dan Kendaraan", "pengecatan:2", "7131", 16, None),
    ("autocad", "trades", "Gambar Teknik dengan AutoCAD", "autocad:2 teknik-sipil:1", "3118 3112", 24, None),
    ("k3-umum", "trades", "Keselamatan dan Kesehatan Kerja (K3) Umum", "k3:2 pemadam-kebakaran:1 pertolongan-pertama:1", "3257", 12, None),
    ("ahli-k3", "trades", "Pembinaan Ahli K3 Umum Kemnaker", "k3:3 ahli-k3-umum:3 manajemen-lingkungan:1", "3257", 96, "Kemnaker"),
    ("k3-konstruksi", "trades", "Ahli K3 Konstruksi", "k3:3 k3-konstruksi:2 manajemen-konstruksi:1", "3257 3123", 60, "BNSP"),
    ("konstruksi", "trades", "Pengawas Lapangan Proyek Konstruksi", "manajemen-konstruksi:2 estimasi-biaya-konstruksi:1 k3:1", "3123 1323", 24, None),
    ("qc", "trades", "Quality Control di Industri Manufaktur", "quality-control:2 sistem-manajemen-mutu:1 lean-manufacturing:1", "3122 2141", 16, None),
    ("operator-produksi", "trades", "Operator Produksi Pabrik", "operator-produksi:2 k3:1 lean-manufacturing:1", "8189 9329 3122", 24, None),
    ("sim-a", "driving", "Mengemudi Mobil dan Persiapan SIM A", "mengemudi-mobil:2 sim-a:2", "8322", 16, None),
    ("sim-b", "driving", "Pengemudi Truk dan Persiapan SIM B1 Umum", "mengemudi-truk:2 sim-b:2", "8332", 24, None),
    ("ojol", "driving", "Mitra Pengemudi Ojek dan Kurir Online", "ojek-online:2 kurir:1 layanan-pelanggan:1", "8321 9621", 6, None),
    ("kurir", "driving", "Kurir dan Pengiriman Last Mile", "kurir:2 logistik:1", "9621", 6, None),
    ("forklift", "driving", "Operator Forklift Bersertifikat", "operator-forklift:2 k3:1", "8344", 24, "SIO Kemnaker"),
    ("operator-alat-berat", "driving", "Operator Ekskavator", "operator-alat-berat:2 k3:1", "8342", 60, "SIO Kemnaker"),
    ("gudang", "driving", "Staf Gudang dan Pergudangan Modern", "pergudangan:2 bongkar-muat:1 pengepakan:1", "4321 9333", 12, None),
    ("logistik", "driving", "Dasar Logistik dan Rantai Pasok", "logistik:2 transportasi-armada:1 manajemen-persediaan:1", "1324 4323", 12, None),
    ("satpam", "driving", "Pelatihan Satpam Gada Pratama", "satpam:2 gada-pratama:2 pertolongan-pertama:1", "5414", 40, "Gada Pratama"),
    ("cleaning", "driving", "Petugas Kebersihan Gedung Profesional", "kebersihan:2 k3:1", "9112", 8, None),
    ("hidroponik", "agri", "Budidaya Sayuran Hidroponik", "hidroponik:2 hortikultura:1 kewirausahaan:1", "6113", 12, None),
    ("pertanian-organik", "agri", "Pertanian Organik dan Pupuk Kompos", "pertanian-organik:2 pertanian:1 pengendalian-hama:1", "6111", 12, None),
    ("padi", "agri", "Budidaya Padi dan Palawija", "pertanian:2 irigasi:1 mesin-pertanian:1", "6111 9211", 16, None),
    ("hortikultura", "agri", "Budidaya Cabai dan Tomat", "hortikultura:2 pengendalian-hama:1", "6111 6113", 12, None),
    ("jamur", "agri", "Budidaya Jamur Tiram", "budidaya-jamur:2", "6113", 8, None),
    ("perkebunan", "agri", "Budidaya dan Pascapanen Kopi dan Kakao", "perkebunan:2 pengolahan-hasil-pertanian:1", "6112", 12, None),
    ("ternak-ayam", "agri", "Beternak Ayam Petelur dan Broiler", "peternakan-unggas:2", "6122", 12, None),
    ("ternak-kambing", "agri", "Beternak Kambing dan Sapi", "peternakan:2", "6121", 12, None),
    ("maggot-lebah", "agri", "Budidaya Maggot BSF dan Lebah Madu", "budidaya-maggot-lebah:2 manajemen-lingkungan:1", "6121", 8, None),
    ("lele", "agri", "Budidaya Lele dan Nila Sistem Bioflok", "budidaya-ikan:2", "6221", 12, None),
    ("udang", "agri", "Budidaya Udang Vaname", "budidaya-ikan:2 pembenihan-ikan:1", "6221", 16, None),
    ("rumput-laut", "agri", "Budidaya dan Pengolahan Rumput Laut", "rumput-laut:2 pengolahan-ikan:1", "6221", 10, None),
    ("nelayan", "agri", "Keselamatan dan Teknik Penangkapan Ikan", "penangkapan-ikan:2 k3:1", "6222", 16, None),
    ("olahan-ikan", "agri", "Pengolahan Hasil Perikanan", "pengolahan-ikan:2 keamanan-pangan:1", "7511", 10, None),
    ("drone-tani", "agri", "Pilot Drone Pertanian", "drone:2 pertanian:1", "6111 3112", 16, None),
    ("komunikasi", "soft", "Komunikasi Efektif di Tempat Kerja", "komunikasi:2 keterampilan-interpersonal:1", "4110 4222", 6, None),
    ("public-speaking", "soft", "Public Speaking untuk Pemula", "public-speaking:2 komunikasi:1", "2432 3322", 6, None),
    ("kepemimpinan", "soft", "Kepemimpinan untuk Supervisor Baru", "kepemimpinan:2 manajemen-tim:2 pengambilan-keputusan:1", "3341 1219", 8, None),
    ("kerja-tim", "soft", "Kerja Sama Tim dan Kolaborasi", "kerja-sama-tim:2 negosiasi-konflik:1", "4110", 5, None),
    ("problem-solving", "soft", "Pemecahan Masalah dan Berpikir Kritis", "pemecahan-masalah:2 berpikir-kritis:2", "2421", 6, None),
    ("manajemen-waktu", "soft", "Manajemen Waktu dan Produktivitas", "manajemen-waktu:2 multitasking:1", "4110 3343", 5, None),
    ("persiapan-kerja", "soft", "Sukses Melamar Kerja: CV dan Wawancara", "persiapan-kerja:2 personal-branding:1 komunikasi:1", "4110", 5, None),
    ("stres", "soft", "Mengelola Stres dan Kecerdasan Emosional", "manajemen-stres:2 kecerdasan-emosional:2", "4222", 5, None),
    ("negosiasi", "soft", "Negosiasi untuk Pekerja dan Pelaku Usaha", "negosiasi:2 komunikasi:1", "3322 5221", 6, None),
    ("manajemen-proyek", "soft", "Dasar Manajemen Proyek", "manajemen-proyek:2 manajemen-waktu:1 microsoft-excel:1", "1219 2421", 12, None),
    ("literasi-keuangan", "soft", "Literasi Keuangan Pribadi", "keuangan-pribadi:2 investasi-pasar-modal:1", "2412", 6, None),
    ("kaki-lima", "business", "Pedagang Kaki Lima Naik Kelas: Jualan Digital", "kewirausahaan:1 whatsapp-business:1 kas-kecil:1", "5212 9520", 6, None),
    ("helper-dapur", "hospitality", "Pembantu Dapur dan Steward Restoran", "pembantu-dapur:2 keamanan-pangan:1", "9412", 12, None),
    ("packing", "driving", "Packing dan Fulfillment Toko Online", "pengepakan:2 pergudangan:1 ecommerce:1", "9321 4321", 6, None),
    ("panen", "agri", "Teknik Panen dan Pascapanen Hasil Tani", "pengolahan-hasil-pertanian:2 pertanian:1", "9211 6111", 8, None),
    ("asisten-kesehatan", "beauty", "Asisten Perawatan Kesehatan di Klinik", "layanan-kesehatan:1 pertolongan-pertama:2 pelayanan-prima:1", "5321 3256", 24, None),
]

FIELD_PRICE_IDR = {  # typical list price of a course this long, per hour, by field
    "digital": 22_000, "office": 20_000, "business": 20_000, "language": 18_000, "creative": 22_000,
    "soft": 25_000, "hospitality": 28_000, "beauty": 30_000, "garment": 25_000, "trades": 30_000,
    "driving": 30_000, "agri": 22_000,
}
PROVIDERS_PER_COURSE = 2


def _stable_fraction(*parts: str) -> float:
    """A number in [0, 1) fixed by the parts: deterministic variety without a random generator."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _regency_codes() -> dict[str, str]:
    with open(REFERENCE / "regencies.csv", newline="", encoding="utf-8") as handle:
        return {row["name"]: row["id"] for row in csv.DictReader(handle)}


def _price(field: str, hours: int, certificate: str | None, mode: str, key: str, provider: str) -> int:
    base = FIELD_PRICE_IDR[field] * hours * (0.75 + 0.5 * _stable_fraction(key, provider))
    if mode == "online":
        base *= 0.6
    if certificate:
        base += 300_000
    cap = 3_500_000 if certificate else 1_000_000
    return int(min(max(base, 100_000), cap) // 5_000 * 5_000)


def build() -> tuple[list[dict], list[dict]]:
    regencies = _regency_codes()
    providers = [
        {"slug": slug, "name": name, "kind": kind, "regency_code": regencies[city] if city else ""}
        for slug, name, kind, city, _fields in PROVIDERS
    ]
    courses = []
    for number, (key, field, title, skills, occupations, hours, certificate) in enumerate(COURSES):
        teaching = [p for p in PROVIDERS if field in p[4].split()]
        start = number % len(teaching)
        for slot in range(PROVIDERS_PER_COURSE):
            slug, _name, kind, city, _fields = teaching[(start + slot * 3) % len(teaching)]
            if kind == "digital_platform":
                mode = "online"
            else:
                mode = "blended" if _stable_fraction(key, slug, "mode") < 0.25 else "offline"
            code = f"PK-{key.upper()}-{slug.split('-')[0].upper()}{slot + 1}"[:40]
            courses.append(
                {
                    "code": code,
                    "title": title,
                    "provider": slug,
                    "mode": mode,
                    "hours": hours,
                    "price_idr": _price(field, hours, certificate, mode, key, slug),
                    "certificate": certificate or "",
                    "description": f"Kelas {field} {'daring' if mode == 'online' else 'tatap muka'} selama {hours} jam.",
                    "skills": "|".join(skills.split()),
                    "occupations": "|".join(occupations.split()),
                }
            )
    return providers, courses


def write(rows: list[dict], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    providers, courses = build()
    write(providers, REFERENCE / "providers.csv")
    write(courses, REFERENCE / "courses.csv")
    print(f"{len(providers)} providers, {len(courses)} courses")
