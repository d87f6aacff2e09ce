-- CreateTable
CREATE TABLE "ErpPdf" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "providerType" TEXT NOT NULL,
    "providerRef" TEXT NOT NULL,
    "bytes" BLOB NOT NULL,
    "sha256" TEXT NOT NULL,
    "fetchedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "ErpPdf_shopDomain_providerType_providerRef_key" ON "ErpPdf"("shopDomain", "providerType", "providerRef");

