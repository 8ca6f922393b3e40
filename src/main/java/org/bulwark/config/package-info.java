/** main.cf and master.cf: parsing, $name expansion, the parameter registry and validation with file:line errors. */
package org.bulwark.config;
