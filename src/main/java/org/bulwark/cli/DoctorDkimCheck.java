package org.bulwark.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import org.bulwark.mailauth.DkimKeyFiles;
import org.bulwark.mailauth.DkimKeyRecords;

/** The DKIM key record in DNS holds the public half of the key this server signs with. */
final class DoctorDkimCheck {

    private DoctorDkimCheck() {
    }

    static void dkim(DoctorRun run) {
        String keyFile = run.config.get("dkim_private_key");
        if (keyFile.isBlank()) {
            return;
        }
        String name = run.config.get("dkim_selector") + "._domainkey." + run.config.get("dkim_domain");
        PrivateKey key;
        String publish;
        try {
            key = DkimKeyFiles.read(Path.of(keyFile));
            publish = name + ". IN TXT \"" + DkimKeyRecords.txt(DkimKeyRecords.publicKeyOf(key)) + "\"";
        } catch (IOException | GeneralSecurityException e) {
            run.add(DoctorTexts.dkimName(name), false, DoctorTexts.unreadableKey(keyFile, e.getMessage()), "");
            return;
        }
        String record = run.txtStartingWith(name, "v=DKIM1");
        boolean matches;
        try {
            matches = record != null && DkimKeyRecords.publishes(record, key);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        run.add(DoctorTexts.dkimName(name), matches,
                record == null ? DoctorTexts.missing() : matches ? DoctorTexts.dkimMatches() : DoctorTexts.dkimDiffers(),
                publish);
    }
}
